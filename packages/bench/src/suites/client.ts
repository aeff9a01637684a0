import { performance } from 'node:perf_hooks';
import { Admin, Producer, PushConsumer } from '@rocketnest/client';
import { RemotingClient, silentLogger } from '@rocketnest/protocol';
import { produce as rawProduce } from './broker';
import { startEmbeddedServer } from '../processes';
import type { Row } from '../report';

const BODY = Buffer.alloc(1024, 'x');

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

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Sends at a fixed rate and measures send-to-listener latency in the same process. */
async function endToEnd(
  nameServer: string,
  producer: Producer,
  topic: string,
  rate: number,
  seconds: number,
) {
  const latencies: number[] = [];
  const consumer = new PushConsumer({
    nameServer,
    group: 'CID_bench_e2e',
    consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
    logger: silentLogger,
  });
  consumer.subscribe(topic);
  await consumer.run({
    concurrency: 64,
    eachMessage: async (msg) => {
      latencies.push(performance.now() - msg.body.readDoubleBE(0));
    },
  });
  await new Promise((r) => setTimeout(r, 1500)); // rebalance and first pulls
  const total = rate * seconds;
  const start = performance.now();
  let sent = 0;
  const pending: Promise<unknown>[] = [];
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    for (; sent < due; sent++) {
      const body = Buffer.alloc(1024, 'x');
      body.writeDoubleBE(performance.now(), 0);
      pending.push(producer.send({ topic, body }));
    }
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(pending);
  const deadline = performance.now() + 10_000;
  while (latencies.length < total && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  await consumer.stop();
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    received: latencies.length,
    total,
    achievedRate: (sent * 1000) / (performance.now() - start),
    sorted,
  };
}

export async function runClient(durationMs: number): Promise<Row[]> {
  const quick = durationMs < 1000;
  const total = quick ? 20_000 : 100_000;
  const seconds = quick ? 2 : 5;
  const server = await startEmbeddedServer();
  const { nameServer, broker: brokerAddr } = server;
  const producer = new Producer({ nameServer, group: 'PID_bench', logger: silentLogger });
  const admin = new Admin({ nameServer });
  try {
    await producer.start();
    for (const t of ['BenchClient', 'BenchClientBatch', 'BenchE2E'])
      await admin.createTopic(t, { queueNums: 8 });
    await pipelined(producer, 'BenchClient', 5000, 256); // warm-up
    const single = await pipelined(producer, 'BenchClient', total, 256);
    // Baseline: the same sends as prebuilt remoting requests, no Producer (routes, ids, retries).
    const remoting = new RemotingClient();
    const raw = await rawProduce(remoting, brokerAddr, 'BenchClient', total, 256);
    await remoting.close();
    const batch = await batched(producer, 'BenchClientBatch', total, 32, 16);
    const e2e = await endToEnd(nameServer, producer, 'BenchE2E', 10_000, seconds);
    const mb = (rate: number) => (rate * BODY.length) / 1e6;
    return [
      {
        suite: 'client',
        scenario: 'produce 1 KiB, single sends, 256 in flight',
        system: 'rocketnest Producer',
        msgsPerSec: single,
        mbPerSec: mb(single),
        ratio: single / raw,
        note: 'target 100,000',
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
      {
        suite: 'client',
        scenario: `end-to-end at 10,000 msg/s for ${seconds} s`,
        system: 'Producer -> broker -> PushConsumer',
        note:
          `p50 ${percentile(e2e.sorted, 50).toFixed(2)} ms, p99 ${percentile(e2e.sorted, 99).toFixed(2)} ms, ` +
          `p99.9 ${percentile(e2e.sorted, 99.9).toFixed(2)} ms; sent at ${Math.round(e2e.achievedRate)}/s, ` +
          `received ${e2e.received}/${e2e.total} (target p99 < 5 ms)`,
      },
    ];
  } finally {
    await producer.shutdown().catch(() => undefined);
    await admin.close().catch(() => undefined);
    await server.stop();
  }
}
