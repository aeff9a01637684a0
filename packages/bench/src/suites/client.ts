import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Admin, Producer, type ProducerOptions } from '@rocketnest/client';
import { RemotingClient, silentLogger } from '@rocketnest/protocol';
import { LOW_PAUSE_NODE_FLAGS } from 'rocketnest/dist/node-flags';
import { produce as rawProduce } from './broker';
import type { E2eArgs, E2eResult } from '../e2e-app';
import { startEmbeddedServer } from '../processes';
import type { Row } from '../report';

const BODY = Buffer.alloc(1024, 'x');
/** batchMaxBytes of the producer row with larger auto-batches. */
const LARGE_BATCH = 256 * 1024;

async function pipelined(
  producer: Producer,
  topic: string,
  total: number,
  inFlight: number,
): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < total) await producer.send({ topic, body: BODY });
    }),
  );
  return (total * 1000) / (performance.now() - start);
}

async function batched(
  producer: Producer,
  topic: string,
  total: number,
  batchSize: number,
  inFlight: number,
): Promise<number> {
  const batch = Array.from({ length: batchSize }, () => ({ topic, body: BODY }));
  let sent = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (sent < total) {
        sent += batchSize;
        await producer.sendBatch(batch);
      }
    }),
  );
  return (sent * 1000) / (performance.now() - start);
}

interface EndToEnd extends E2eResult {
  rate: number;
  seconds: number;
  nodeFlags: readonly string[];
}

/** Runs e2e-app.js with `nodeFlags` against the broker and returns what it measured. */
function endToEnd(args: E2eArgs, nodeFlags: readonly string[]): Promise<EndToEnd> {
  const script = join(__dirname, '..', 'e2e-app.js');
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...nodeFlags, script, JSON.stringify(args)],
      { timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`e2e-app failed: ${err.message}\n${stderr}`));
        const result = JSON.parse(stdout.trim().split('\n').pop()!) as E2eResult;
        resolve({ ...result, rate: args.rate, seconds: args.seconds, nodeFlags });
      },
    );
  });
}

function endToEndRow(e2e: EndToEnd, note: string): Row {
  const ms = (v: number) => v.toFixed(2);
  const flags = e2e.nodeFlags.length > 0 ? e2e.nodeFlags.join(' ') : 'default';
  return {
    suite: 'client',
    scenario: `end-to-end at ${e2e.rate.toLocaleString('en-US')} msg/s for ${e2e.seconds} s`,
    system: `Producer -> broker -> PushConsumer, app node flags: ${flags}`,
    note:
      `p50 ${ms(e2e.p50)} ms, p99 ${ms(e2e.p99)} ms, p99.9 ${ms(e2e.p999)} ms; ` +
      `sent at ${Math.round(e2e.achievedRate)}/s, ` +
      `received ${e2e.received}/${e2e.total} after 1 s of warm-up at the same rate; ` +
      `CPU per message: app process ` +
      `${e2e.clientMicros.toFixed(0)} µs, broker ${e2e.brokerMicros.toFixed(0)} µs${note}`,
  };
}

export async function runClient(durationMs: number): Promise<Row[]> {
  const quick = durationMs < 1000;
  const total = quick ? 20_000 : 200_000;
  const seconds = quick ? 2 : 5;
  const server = await startEmbeddedServer();
  const { nameServer, broker: brokerAddr } = server;
  const producer = new Producer({ nameServer, group: 'PID_bench', logger: silentLogger });
  const admin = new Admin({ nameServer });
  try {
    await producer.start();
    for (const t of ['BenchClient', 'BenchClientBatch'])
      await admin.createTopic(t, { queueNums: 8 });
    // Warm-up: until the JIT has optimised both sides' send paths, a run measures the compiler as
    // much as the code (5,000 messages of warm-up gave 143-155k msg/s where 50,000 gave 175-180k).
    await pipelined(producer, 'BenchClient', quick ? 5000 : 50_000, 256);
    const single = await pipelined(producer, 'BenchClient', total, 256);
    // The same sends with other producer options: larger auto-batches (fewer requests, at the
    // price of bursts landing in fewer queues), and autoBatch off (one request per message).
    const withOptions = async (options: Partial<ProducerOptions>, group: string) => {
      const other = new Producer({ nameServer, group, logger: silentLogger, ...options });
      await other.start();
      return pipelined(other, 'BenchClient', total, 256).finally(() => other.shutdown());
    };
    const singleLarge = await withOptions({ batchMaxBytes: LARGE_BATCH }, 'PID_bench_large');
    const singleUnbatched = await withOptions({ autoBatch: false }, 'PID_bench_unbatched');
    // Baseline: the same sends as prebuilt remoting requests, no Producer (routes, ids, retries).
    const remoting = new RemotingClient();
    const raw = await rawProduce(remoting, brokerAddr, 'BenchClient', total, 256);
    await remoting.close();
    const batch = await batched(producer, 'BenchClientBatch', total, 32, 16);
    // End to end: the app side runs in processes of its own, with Node's default flags and with
    // the flags the broker runs with (LOW_PAUSE_NODE_FLAGS), which docs/operations.md recommends
    // for apps that share a small machine with the broker. A tenth of the rate shows the latency
    // of the path itself, apart from the queueing that load adds on a small machine.
    // Each run has a topic of its own: a new group starts at offset 0 of a topic whose messages
    // are all still in memory (as RocketMQ's broker answers it), so a shared topic had each run
    // first consume the previous runs' messages, and that backlog landed in its measurement.
    const e2eArgs = async (rate: number, topic: string): Promise<E2eArgs> => {
      await admin.createTopic(topic, { queueNums: 8 });
      return { nameServer, brokerPid: server.pid, topic, rate, seconds };
    };
    const light = await endToEnd(await e2eArgs(1_000, 'BenchE2E_1k'), []);
    const e2e = await endToEnd(await e2eArgs(10_000, 'BenchE2E_10k'), []);
    const e2eLowPause = await endToEnd(
      await e2eArgs(10_000, 'BenchE2E_10k_low_pause'),
      LOW_PAUSE_NODE_FLAGS,
    );
    const mb = (rate: number) => (rate * BODY.length) / 1e6;
    return [
      {
        suite: 'client',
        scenario: 'produce 1 KiB, single sends, 256 in flight',
        system: 'rocketnest Producer (defaults: batchMaxBytes 64 KiB)',
        msgsPerSec: single,
        mbPerSec: mb(single),
        ratio: single / raw,
        note: 'target 100,000; autoBatch (the default): sends of one turn share batch requests',
      },
      {
        suite: 'client',
        scenario: 'produce 1 KiB, single sends, 256 in flight',
        system: `rocketnest Producer, batchMaxBytes ${LARGE_BATCH / 1024} KiB`,
        msgsPerSec: singleLarge,
        mbPerSec: mb(singleLarge),
        ratio: singleLarge / raw,
        note: `target 100,000; sends of one turn share requests of up to ${LARGE_BATCH / 1024} KiB`,
      },
      {
        suite: 'client',
        scenario: 'produce 1 KiB, single sends, 256 in flight',
        system: 'rocketnest Producer, autoBatch off',
        msgsPerSec: singleUnbatched,
        mbPerSec: mb(singleUnbatched),
        ratio: singleUnbatched / raw,
        note: 'one SEND_MESSAGE_V2 request per message',
      },
      {
        suite: 'client',
        scenario: 'produce 1 KiB, single sends, 256 in flight',
        system: 'raw remoting requests (baseline)',
        msgsPerSec: raw,
        mbPerSec: mb(raw),
        ratio: 1,
      },
      {
        suite: 'client',
        scenario: 'produce 1 KiB, batches of 32, 16 in flight',
        system: 'rocketnest Producer',
        msgsPerSec: batch,
        mbPerSec: mb(batch),
        ratio: batch / raw,
        note: 'vs the raw single-send baseline',
      },
      endToEndRow(light, ''),
      endToEndRow(e2e, ' (target p99 < 5 ms)'),
      endToEndRow(e2eLowPause, ' (target p99 < 5 ms)'),
    ];
  } finally {
    await producer.shutdown().catch(() => undefined);
    await admin.close().catch(() => undefined);
    await server.stop();
  }
}
