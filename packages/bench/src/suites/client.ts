import { performance } from 'node:perf_hooks';
import { Admin, Producer, PushConsumer } from '@rocketnest/client';
import { RemotingClient, silentLogger } from '@rocketnest/protocol';
import { produce as rawProduce } from './broker';
import { cpuMicros } from '../peers/proc';
import { pacedLoad } from '../measure';
import { startEmbeddedServer } from '../processes';
import type { Row } from '../report';

const BODY = Buffer.alloc(1024, 'x');
/** Warm-up messages carry a send time of 0: the listener ignores them anyway. */
const WARM_UP_BODY = Buffer.alloc(1024, 0);

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

const percentile = (sorted: Float64Array, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

interface EndToEnd {
  rate: number;
  seconds: number;
  received: number;
  total: number;
  achievedRate: number;
  sorted: Float64Array;
  /** CPU used per message by this process (producer, consumer, load generator) and the broker. */
  clientMicros: number;
  brokerMicros: number;
}

/**
 * Sends at a fixed rate (pacedLoad; each message stamped as it is sent) and measures
 * send-to-listener latency in the same process. Latencies go to a preallocated array.
 */
async function endToEnd(
  nameServer: string,
  brokerPid: number,
  producer: Producer,
  topic: string,
  rate: number,
  seconds: number,
): Promise<EndToEnd> {
  const total = rate * seconds;
  const latencies = new Float64Array(total);
  let received = 0;
  let measuring = false;
  const consumer = new PushConsumer({
    nameServer,
    group: `CID_bench_e2e_${rate}`,
    consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
    logger: silentLogger,
  });
  consumer.subscribe(topic);
  await consumer.run({
    concurrency: 64,
    eachMessage: async (msg) => {
      if (measuring && received < total && msg.body.readDoubleBE(0) > 0)
        latencies[received++] = performance.now() - msg.body.readDoubleBE(0);
    },
  });
  await new Promise((r) => setTimeout(r, 1500)); // rebalance and first pulls
  // One unmeasured second at the same rate: the first batches at a new rate run through code
  // the JIT has not optimised for them yet, which put p99 at 13-38 ms instead of 4-7 ms.
  await pacedLoad(rate, rate, () => producer.send({ topic, body: WARM_UP_BODY }));
  await new Promise((r) => setTimeout(r, 200));
  measuring = true;
  const cpu0 = process.cpuUsage();
  const broker0 = cpuMicros(brokerPid);
  const { achievedRate } = await pacedLoad(rate, total, () => {
    const body = Buffer.alloc(1024, 'x');
    body.writeDoubleBE(performance.now(), 0);
    return producer.send({ topic, body });
  });
  const deadline = performance.now() + 10_000;
  while (received < total && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 5));
  const cpu = process.cpuUsage(cpu0);
  const brokerMicros = (cpuMicros(brokerPid) - broker0) / total;
  await consumer.stop();
  return {
    rate,
    seconds,
    received,
    total,
    achievedRate,
    sorted: latencies.subarray(0, received).sort(),
    clientMicros: (cpu.user + cpu.system) / total,
    brokerMicros,
  };
}

function endToEndRow(e2e: EndToEnd, note: string): Row {
  const ms = (p: number) => percentile(e2e.sorted, p).toFixed(2);
  return {
    suite: 'client',
    scenario: `end-to-end at ${e2e.rate.toLocaleString('en-US')} msg/s for ${e2e.seconds} s`,
    system: 'Producer -> broker -> PushConsumer',
    note:
      `p50 ${ms(50)} ms, p99 ${ms(99)} ms, p99.9 ${ms(99.9)} ms; sent at ${Math.round(e2e.achievedRate)}/s, ` +
      `received ${e2e.received}/${e2e.total} after 1 s of warm-up at the same rate; ` +
      `CPU per message: client process ` +
      `${e2e.clientMicros.toFixed(0)} µs, broker ${e2e.brokerMicros.toFixed(0)} µs${note}`,
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
    // The same sends with autoBatch off: one request per message, the wire's own limit.
    const unbatched = new Producer({
      nameServer,
      group: 'PID_bench_unbatched',
      logger: silentLogger,
      autoBatch: false,
    });
    await unbatched.start();
    const singleUnbatched = await pipelined(unbatched, 'BenchClient', total, 256).finally(() =>
      unbatched.shutdown(),
    );
    // Baseline: the same sends as prebuilt remoting requests, no Producer (routes, ids, retries).
    const remoting = new RemotingClient();
    const raw = await rawProduce(remoting, brokerAddr, 'BenchClient', total, 256);
    await remoting.close();
    const batch = await batched(producer, 'BenchClientBatch', total, 32, 16);
    // The same path at a tenth of the rate shows the latency of the path itself, apart from the
    // queueing that CPU saturation adds at the full rate on a small machine.
    const light = await endToEnd(nameServer, server.pid, producer, 'BenchE2E', 1_000, seconds);
    const e2e = await endToEnd(nameServer, server.pid, producer, 'BenchE2E', 10_000, seconds);
    const mb = (rate: number) => (rate * BODY.length) / 1e6;
    return [
      {
        suite: 'client',
        scenario: 'produce 1 KiB, single sends, 256 in flight',
        system: 'rocketnest Producer',
        msgsPerSec: single,
        mbPerSec: mb(single),
        ratio: single / raw,
        note: 'target 100,000; autoBatch (the default): sends of one turn share batch requests',
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
    ];
  } finally {
    await producer.shutdown().catch(() => undefined);
    await admin.close().catch(() => undefined);
    await server.stop();
  }
}
