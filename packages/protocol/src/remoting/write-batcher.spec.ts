import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import {
  RemotingClient,
  RemotingServer,
  ResponseCode,
  createRequest,
  createResponse,
} from '../index';
import { WriteBatcher } from './write-batcher';

let server: Server;
let sender: Socket;
let received: Promise<Buffer>;

beforeEach(async () => {
  server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection');
  const { port } = server.address() as { port: number };
  sender = connect({ host: '127.0.0.1', port });
  await once(sender, 'connect');
  const [peer] = (await accepted) as [Socket];
  received = new Promise((resolve) => {
    const chunks: Buffer[] = [];
    peer.on('data', (c: Buffer) => chunks.push(c));
    peer.on('end', () => resolve(Buffer.concat(chunks)));
  });
});

afterEach(async () => {
  sender.destroy();
  await new Promise((r) => server.close(r));
});

/** Counts the writes the batcher makes on the (real) socket. */
function countWrites(socket: Socket): () => number {
  let writes = 0;
  const write = socket.write.bind(socket) as (chunk: Buffer) => boolean;
  socket.write = ((chunk: Buffer) => {
    writes++;
    return write(chunk);
  }) as typeof socket.write;
  return () => writes;
}

describe('WriteBatcher', () => {
  it('sends the parts written in one turn as one socket write, in order', async () => {
    const writes = countWrites(sender);
    let flushes = 0;
    const batcher = new WriteBatcher(sender, () => flushes++);
    const parts = Array.from({ length: 100 }, (_, i) => Buffer.from(`part ${i};`));
    for (const p of parts) batcher.write(p);
    expect(batcher.pendingBytes).toBe(Buffer.concat(parts).length);
    await new Promise((r) => setImmediate(r));
    expect(writes()).toBe(1);
    expect(flushes).toBe(1);
    expect(batcher.pendingBytes).toBe(0);
    sender.end();
    expect(await received).toEqual(Buffer.concat(parts));
  });

  it('writes large bodies without copying them, keeping the order of all parts', async () => {
    const writes = countWrites(sender);
    const batcher = new WriteBatcher(sender, () => undefined);
    const big = Buffer.alloc(64 * 1024, 7);
    const parts = [Buffer.from('head'), Buffer.from('er'), big, Buffer.from('tail')];
    for (const p of parts) batcher.write(p);
    batcher.flush();
    expect(writes()).toBe(3); // "header", the body itself, "tail"
    sender.end();
    expect(await received).toEqual(Buffer.concat(parts));
  });
});

describe('RemotingConnection write coalescing', () => {
  it('keeps answering when every batch is above a tiny high-water mark', async () => {
    // Batches that the kernel takes at once bring no drain event; reading must resume anyway.
    const remoting = new RemotingServer({ host: '127.0.0.1', port: 0, writeHighWaterMark: 1 });
    remoting.registerProcessor(9100, (req) =>
      createResponse(req, ResponseCode.SUCCESS, { body: req.body }),
    );
    const { port } = await remoting.listen();
    const client = new RemotingClient({ writeHighWaterMark: 1, requestTimeoutMs: 5000 });
    try {
      const bodies = Array.from({ length: 300 }, (_, i) => Buffer.from(`message ${i}`));
      const responses = await Promise.all(
        bodies.map((body) => client.invoke(`127.0.0.1:${port}`, createRequest(9100, { body }))),
      );
      expect(responses.map((r) => r.body?.toString())).toEqual(bodies.map(String));
    } finally {
      await client.close();
      await remoting.close(100);
    }
  });
});
