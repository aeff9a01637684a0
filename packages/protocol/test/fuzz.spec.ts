import { connect } from 'node:net';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import {
  FrameDecoder,
  FrameError,
  RemotingClient,
  RemotingServer,
  RequestCode,
  ResponseCode,
  SerializeType,
  createRequest,
  createResponse,
  encodeFrame,
  PullMessageRequestHeader,
  SendMessageRequestHeaderV2,
} from '../src';

/** Deterministic PRNG (mulberry32) so a failing run can be replayed from its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function validFrames(): Buffer[] {
  const send = SendMessageRequestHeaderV2.encode({
    producerGroup: 'P',
    topic: 'T',
    defaultTopic: 'TBW102',
    defaultTopicQueueNums: 4,
    queueId: 0,
    sysFlag: 0,
    bornTimestamp: 1,
    flag: 0,
    properties: 'TAGS\u0001a\u0002',
  });
  const pull = PullMessageRequestHeader.encode({
    consumerGroup: 'g',
    topic: 'T',
    queueId: 0,
    queueOffset: 0,
    maxMsgNums: 32,
    sysFlag: 2,
    commitOffset: 0,
    suspendTimeoutMillis: 10,
    subVersion: 0,
  });
  const out: Buffer[] = [];
  for (const serializeType of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
    out.push(
      encodeFrame(
        createRequest(RequestCode.SEND_MESSAGE_V2, {
          serializeType,
          extFields: send,
          body: Buffer.alloc(64, 1),
        }),
      ),
    );
    out.push(
      encodeFrame(createRequest(RequestCode.PULL_MESSAGE, { serializeType, extFields: pull })),
    );
    out.push(
      encodeFrame(
        createRequest(RequestCode.HEART_BEAT, {
          serializeType,
          body: Buffer.from('{"clientID":"x"}'),
        }),
      ),
    );
  }
  return out;
}

/** A random frame: pure noise, or a valid frame with flipped bits, a forged length or cut short. */
function mutatedFrame(next: () => number, seeds: Buffer[]): Buffer {
  const kind = Math.floor(next() * 5);
  if (kind === 0) {
    const noise = Buffer.alloc(Math.floor(next() * 96));
    for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(next() * 256);
    return noise;
  }
  const frame = Buffer.from(seeds[Math.floor(next() * seeds.length)]!);
  if (kind === 1) {
    const flips = 1 + Math.floor(next() * 4);
    for (let i = 0; i < flips; i++)
      frame[Math.floor(next() * frame.length)] ^= 1 << Math.floor(next() * 8);
  } else if (kind === 2) {
    frame.writeInt32BE(Math.floor(next() * 2 ** 32) - 2 ** 31, 0);
  } else if (kind === 3) {
    frame.writeUInt32BE(Math.floor(next() * 2 ** 32), 4);
  } else {
    return frame.subarray(0, Math.floor(next() * frame.length));
  }
  return frame;
}

describe('fuzzing', () => {
  it('the frame decoder only ever yields commands or throws FrameError (100k inputs)', () => {
    const next = rng(0xc0ffee);
    const seeds = validFrames();
    for (let i = 0; i < 100_000; i++) {
      const decoder = new FrameDecoder(1024 * 1024);
      try {
        decoder.push(mutatedFrame(next, seeds));
      } catch (err) {
        if (!(err instanceof FrameError)) throw new Error(`input ${i}: ${String(err)}`);
      }
    }
  });

  it('header codecs only ever throw typed errors on arbitrary ext fields (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom('a', 'b', 'e', 'g', 'queueId', 'topic', 'sysFlag'),
          fc.string(),
        ),
        (ext) => {
          for (const codec of [SendMessageRequestHeaderV2, PullMessageRequestHeader]) {
            try {
              codec.decode(ext);
            } catch (err) {
              expect((err as Error).name).toBe('HeaderFieldError');
            }
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a server fed 100k random and mutated frames keeps serving, without leaks or unhandled rejections', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const server = new RemotingServer({ host: '127.0.0.1', port: 0, maxFrameSize: 64 * 1024 });
    for (const code of [
      RequestCode.SEND_MESSAGE_V2,
      RequestCode.PULL_MESSAGE,
      RequestCode.HEART_BEAT,
    ]) {
      server.registerProcessor(code, (req) => {
        if (code === RequestCode.SEND_MESSAGE_V2) SendMessageRequestHeaderV2.decode(req.extFields);
        if (code === RequestCode.PULL_MESSAGE) PullMessageRequestHeader.decode(req.extFields);
        return createResponse(req, ResponseCode.SUCCESS, { body: req.body });
      });
    }
    const { port } = await server.listen();
    let frameErrors = 0;
    server.on('frameError', () => frameErrors++);
    const next = rng(0xdecaf);
    const seeds = validFrames();
    const frames = 100_000;
    const parallel = 32;
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    // Each mutated frame gets a connection of its own, after one valid frame, so every one of
    // them reaches the server's decoder (a malformed frame ends its connection).
    const feed = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const socket = connect({ host: '127.0.0.1', port });
        socket.on('error', () => undefined);
        socket.on('data', () => undefined);
        await once(socket, 'connect');
        const valid = seeds[Math.floor(next() * seeds.length)]!;
        socket.end(Buffer.concat([valid, mutatedFrame(next, seeds)]));
        await once(socket, 'close');
      }
    };
    try {
      await Promise.all(Array.from({ length: parallel }, () => feed(frames / parallel)));
      expect(frameErrors).toBeGreaterThan(frames / 2);
      const client = new RemotingClient();
      const response = await client.invoke(
        `127.0.0.1:${port}`,
        createRequest(RequestCode.HEART_BEAT, { body: Buffer.from('ok') }),
      );
      expect(response.code).toBe(ResponseCode.SUCCESS);
      expect(response.body?.toString()).toBe('ok');
      await client.close();
      collectGarbage();
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
      expect(server.connectionCount).toBeLessThanOrEqual(1);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await server.close(100);
    }
  }, 120_000);
});

/**
 * A full GC before reading the heap, so the bound measures what is retained, not what the
 * collector has not reached yet (jest runs without --expose-gc).
 */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
