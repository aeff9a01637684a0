import { performance } from 'node:perf_hooks';
import { Producer, PushConsumer } from '@rocketnest/client';
import { silentLogger } from '@rocketnest/protocol';
import { pacedLoad, percentile } from './measure';
import { cpuMicros } from './peers/proc';

/**
 * The application side of the client suite's end-to-end latency runs, as a process of its own so
 * that each run can use the Node flags it reports: a Producer sending 1 KiB messages at a fixed
 * rate (pacedLoad; each message stamped as it is sent) and a PushConsumer in the same process
 * measuring send-to-listener latency into a preallocated array.
 *
 * Usage: node [node flags] e2e-app.js '<E2eArgs as JSON>'; prints one E2eResult as JSON.
 */
export interface E2eArgs {
  nameServer: string;
  brokerPid: number;
  topic: string;
  rate: number;
  seconds: number;
}

export interface E2eResult {
  received: number;
  total: number;
  achievedRate: number;
  p50: number;
  p99: number;
  p999: number;
  /** CPU used per message by this process (producer, consumer, load generator) and the broker. */
  clientMicros: number;
  brokerMicros: number;
}

/**
 * Bodies start with the send time (double) and this run's id (uint32). Warm-up messages carry a
 * send time of 0, and messages of other runs another id: the listener measures neither.
 */
const RUN_ID = (process.pid ^ (Date.now() & 0xffffffff)) >>> 0;
const WARM_UP_BODY = Buffer.alloc(1024, 0);
WARM_UP_BODY.writeUInt32BE(RUN_ID, 8);

function isMeasured(body: Buffer): boolean {
  return body.length >= 12 && body.readUInt32BE(8) === RUN_ID && body.readDoubleBE(0) > 0;
}

async function run({ nameServer, brokerPid, topic, rate, seconds }: E2eArgs): Promise<E2eResult> {
  const producer = new Producer({ nameServer, group: 'PID_bench_e2e', logger: silentLogger });
  await producer.start();
  const total = rate * seconds;
  const latencies = new Float64Array(total);
  let received = 0;
  let measuring = false;
  const consumer = new PushConsumer({
    nameServer,
    group: `CID_bench_e2e_${rate}_${process.pid}`,
    consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
    logger: silentLogger,
  });
  consumer.subscribe(topic);
  await consumer.run({
    concurrency: 64,
    eachMessage: async (msg) => {
      if (measuring && received < total && isMeasured(msg.body))
        latencies[received++] = performance.now() - msg.body.readDoubleBE(0);
    },
  });
  try {
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
      body.writeUInt32BE(RUN_ID, 8);
      body.writeDoubleBE(performance.now(), 0);
      return producer.send({ topic, body });
    });
    const deadline = performance.now() + 10_000;
    while (received < total && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    const cpu = process.cpuUsage(cpu0);
    const brokerMicros = (cpuMicros(brokerPid) - broker0) / total;
    const sorted = latencies.subarray(0, received).sort();
    return {
      received,
      total,
      achievedRate,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      p999: percentile(sorted, 99.9),
      clientMicros: (cpu.user + cpu.system) / total,
      brokerMicros,
    };
  } finally {
    await consumer.stop();
    await producer.shutdown();
  }
}

if (require.main === module) {
  run(JSON.parse(process.argv[2]!) as E2eArgs).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}
