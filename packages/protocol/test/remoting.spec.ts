import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import {
  ConnectionError,
  FrameDecoder,
  RemotingClient,
  RemotingError,
  RemotingServer,
  RequestCode,
  RequestTimeoutError,
  ResponseCode,
  SerializeType,
  createRequest,
  createResponse,
  encodeFrame,
  type RemotingConnection,
} from '../src';

const ECHO = 9001;
const SLOW = 9002;
const NEVER = 9003;
const FAIL_TYPED = 9004;
const FAIL_PLAIN = 9005;
const BIG = 9006;

let server: RemotingServer;
let address: string;
let client: RemotingClient;
const onewaySeen: string[] = [];

/** Called when a SLOW request reaches its handler. */
let slowStarted: () => void = () => undefined;

beforeEach(async () => {
  onewaySeen.length = 0;
  slowStarted = () => undefined;
  server = new RemotingServer({
    host: '127.0.0.1',
    port: 0,
    maxFrameSize: 64 * 1024,
    writeHighWaterMark: 1024 * 1024,
    dispatchBurst: 8,
  });
  server
    .registerProcessor(ECHO, (req) => {
      if (req.flag & 2) onewaySeen.push(req.extFields?.value ?? '');
      return createResponse(req, ResponseCode.SUCCESS, {
        extFields: req.extFields,
        body: req.body,
      });
    })
    .registerProcessor(SLOW, async (req) => {
      slowStarted();
      await new Promise((r) => setTimeout(r, Number(req.extFields?.ms ?? 50)));
      return createResponse(req, ResponseCode.SUCCESS, { extFields: req.extFields });
    })
    .registerProcessor(NEVER, () => new Promise<never>(() => undefined))
    .registerProcessor(FAIL_TYPED, () => {
      throw new RemotingError(
        'No topic route info in name server for the topic: T',
        ResponseCode.TOPIC_NOT_EXIST,
      );
    })
    .registerProcessor(FAIL_PLAIN, () => {
      throw new Error('boom');
    })
    .registerProcessor(BIG, (req) =>
      createResponse(req, ResponseCode.SUCCESS, { body: Buffer.alloc(256 * 1024, 7) }),
    );
  const { port } = await server.listen();
  address = `127.0.0.1:${port}`;
  client = new RemotingClient({ requestTimeoutMs: 2000 });
});

afterEach(async () => {
  await client.close();
  await server.close(100);
});

describe('remoting client and server over TCP', () => {
  it('matches concurrent responses to their requests by opaque, whatever their order', async () => {
    const delays = [60, 10, 40, 0, 30, 20];
    const responses = await Promise.all(
      delays.map((ms) =>
        client.invoke(address, createRequest(SLOW, { extFields: { ms: String(ms) } })),
      ),
    );
    expect(responses.map((r) => r.extFields?.ms)).toEqual(delays.map(String));
  });

  it('answers in the request serialization, binary included', async () => {
    const response = await client.invoke(
      address,
      createRequest(ECHO, {
        serializeType: SerializeType.ROCKETMQ,
        extFields: { k: 'v' },
        body: Buffer.from('b'),
      }),
    );
    expect(response.serializeType).toBe(SerializeType.ROCKETMQ);
    expect(response.extFields).toEqual({ k: 'v' });
    expect(response.body?.toString()).toBe('b');
  });

  it('sends requests in the serialization its options ask for', async () => {
    const binary = new RemotingClient({ serializeType: SerializeType.ROCKETMQ });
    try {
      const response = await binary.invoke(address, createRequest(ECHO, { extFields: { k: 'v' } }));
      expect(response.serializeType).toBe(SerializeType.ROCKETMQ); // the server mirrors the request
      expect(response.extFields).toEqual({ k: 'v' });
    } finally {
      await binary.close();
    }
  });

  it('times out a request with an error naming the peer and the request code', async () => {
    const err = await client.invoke(address, createRequest(NEVER), 100).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect((err as Error).message).toBe(
      `request code ${NEVER} to ${address} timed out after 100 ms`,
    );
  });

  it('sends oneway requests without a response', async () => {
    await client.invokeOneway(address, createRequest(ECHO, { extFields: { value: 'one' } }));
    const conn = await client.connection(address);
    const after = await client.invoke(
      address,
      createRequest(ECHO, { extFields: { value: 'two' } }),
    );
    expect(after.extFields?.value).toBe('two');
    expect(onewaySeen).toEqual(['one']);
    expect(conn.pendingRequests).toBe(0);
  });

  it('answers an unknown request code with REQUEST_CODE_NOT_SUPPORTED', async () => {
    const response = await client.invoke(address, createRequest(4242));
    expect(response.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    expect(response.remark).toBe(' request type 4242 not supported');
  });

  it('turns handler errors into responses: typed errors keep their code, others are SYSTEM_ERROR', async () => {
    const typed = await client.invoke(address, createRequest(FAIL_TYPED));
    expect(typed.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(typed.remark).toBe('No topic route info in name server for the topic: T');
    const plain = await client.invoke(address, createRequest(FAIL_PLAIN));
    expect(plain.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(plain.remark).toBe('boom');
  });

  it('serves requests the server sends to the client on the same connection', async () => {
    client.registerProcessor(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (req) =>
      createResponse(req, ResponseCode.SUCCESS, {
        extFields: { got: req.extFields?.consumerGroup ?? '' },
      }),
    );
    const connected = once(server, 'connection') as Promise<[RemotingConnection]>;
    await client.invoke(address, createRequest(ECHO));
    const [serverSide] = await connected;
    const response = await serverSide.invoke(
      createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, {
        extFields: { consumerGroup: 'g1' },
      }),
      1000,
    );
    expect(response.extFields).toEqual({ got: 'g1' });
  });

  it('closes only the connection that sent a malformed frame', async () => {
    const raw = await rawSocket(address);
    const closed = once(raw, 'close');
    raw.write(Buffer.from('00000008070000000000000000', 'hex'));
    await closed;
    const response = await client.invoke(
      address,
      createRequest(ECHO, { extFields: { k: 'still here' } }),
    );
    expect(response.extFields?.k).toBe('still here');
  });

  it('closes a connection announcing a frame above the maximum size, before reading it', async () => {
    const raw = await rawSocket(address);
    const closed = once(raw, 'close');
    const header = Buffer.alloc(4);
    header.writeInt32BE(10 * 1024 * 1024);
    raw.write(header);
    await closed;
    expect((await client.invoke(address, createRequest(ECHO))).code).toBe(ResponseCode.SUCCESS);
  });

  it('rejects pending requests when the connection closes', async () => {
    const pending = client.invoke(address, createRequest(NEVER), 5000);
    const rejected = expect(pending).rejects.toBeInstanceOf(ConnectionError);
    await new Promise((r) => setTimeout(r, 20));
    await server.close(0);
    await rejected;
  });

  it('lets in-flight requests finish on a graceful close, then refuses connections', async () => {
    const started = new Promise<void>((resolve) => (slowStarted = resolve));
    const slow = client.invoke(address, createRequest(SLOW, { extFields: { ms: '150' } }));
    await started; // in flight on the server, however long the request took to get there
    await server.close(2000);
    expect((await slow).code).toBe(ResponseCode.SUCCESS);
    await expect(new RemotingClient().invoke(address, createRequest(ECHO))).rejects.toBeInstanceOf(
      ConnectionError,
    );
  });

  it('stops reading from a peer that does not read its responses, so memory stays bounded', async () => {
    const raw = await rawSocket(address);
    const requests = 400; // 400 x 256 KiB = 100 MiB of responses if nothing pushed back
    raw.pause();
    for (let i = 0; i < requests; i++) raw.write(encodeFrame(createRequest(BIG)));
    await new Promise((r) => setTimeout(r, 500));
    // Bound: the 1 MiB high-water mark plus one burst of 8 responses of 256 KiB.
    expect(serverQueuedBytes(server)).toBeLessThanOrEqual(1024 * 1024 + 9 * 256 * 1024);
    // Once the peer reads again, every response arrives.
    const decoder = new FrameDecoder(1024 * 1024);
    let received = 0;
    raw.on('data', (chunk: Buffer) => (received += decoder.push(chunk).length));
    raw.resume();
    while (received < requests) await new Promise((r) => setTimeout(r, 20));
    expect(received).toBe(requests);
    raw.destroy();
  });
});

function rawSocket(addr: string): Promise<Socket> {
  const [host, port] = addr.split(':');
  const socket = connect({ host, port: Number(port) });
  return once(socket, 'connect').then(() => socket);
}

function serverQueuedBytes(s: RemotingServer): number {
  const conns = (s as unknown as { connections: Set<RemotingConnection> }).connections;
  let total = 0;
  for (const c of conns) total += c.socket.writableLength;
  return total;
}
