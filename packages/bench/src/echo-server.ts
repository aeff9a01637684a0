// A remoting server that acknowledges SEND_MESSAGE_V2 at once without storing anything: the
// protocol-only ceiling the broker's produce throughput is compared with. Prints its port.
import {
  RemotingServer,
  RequestCode,
  ResponseCode,
  SendMessageResponseHeader,
  createResponse,
} from '@rocketnest/protocol';

async function main(): Promise<void> {
  const server = new RemotingServer({ host: '127.0.0.1', port: 0 });
  let offset = 0;
  server.registerProcessor(RequestCode.SEND_MESSAGE_V2, (req) =>
    createResponse(req, ResponseCode.SUCCESS, {
      extFields: SendMessageResponseHeader.encode({
        msgId: '7F00000100002A9F0000000000000000',
        queueId: 0,
        queueOffset: offset++,
      }),
    }),
  );
  const { port } = await server.listen();
  process.stdout.write(`echo listening on 127.0.0.1:${port}\n`);
  process.on('SIGTERM', () => void server.close(0).then(() => process.exit(0)));
}

void main();
