import type { Command } from 'commander';
import type { LitePullConsumer, Producer } from '@rocketnest/client';
import { BenchStats, printSummary } from '../bench-stats';
import { clientCommand, withJsonOption, type ClientFlags } from '../client-options';
import { withProducer, withPullConsumer } from '../clients';
import { CliError } from '../errors';
import { ProgressLine } from '../progress-line';
import { withAdmin } from '../session';
import { StopSignal } from '../stop-signal';
import { parseInteger } from '../values';

interface BenchFlags extends ClientFlags {
  topic: string;
  messages: string;
  size: string;
  concurrency: string;
  idleTimeout: string;
}

interface BenchRun {
  topic: string;
  messages: number;
  size: number;
  concurrency: number;
  idleMs: number;
}

const BENCH_GROUP = 'rocketnest-cli-bench';

export function registerBenchCommands(program: Command): void {
  const bench = program.command('bench').description('measure produce or consume throughput');

  withJsonOption(clientCommand(bench, 'produce', 'send messages as fast as possible'))
    .option('--topic <topic>', 'topic to send to', 'rocketnest-bench')
    .option('--messages <n>', 'how many messages', '10000')
    .option('--size <bytes>', 'body size', '1024')
    .option('--concurrency <n>', 'sends in flight', '32')
    .action(async (flags: BenchFlags) => {
      const run = benchRun(flags);
      const stats = await withProducer(flags, {}, (producer) => produce(producer, run));
      finish(stats, 'send', Boolean(flags.json));
    });

  withJsonOption(
    clientCommand(
      bench,
      'consume',
      'read messages from the beginning of a topic, without committing',
    ),
  )
    .option('--topic <topic>', 'topic to read', 'rocketnest-bench')
    .option('--messages <n>', 'stop after this many messages', '10000')
    .option('--concurrency <n>', 'consumers, each reading its share of the queues', '1')
    .option('--idle-timeout <ms>', 'stop when nothing arrives for this long', '5000')
    .action(async (flags: BenchFlags) => {
      const run = benchRun(flags);
      const stats = await withAdmin(flags, async (s) => {
        await s.route(run.topic);
        return consume(flags, run);
      });
      finish(stats, 'end-to-end', Boolean(flags.json));
    });
}

function benchRun(flags: BenchFlags): BenchRun {
  return {
    topic: flags.topic,
    messages: parseInteger(flags.messages, '--messages'),
    size: flags.size === undefined ? 0 : parseInteger(flags.size, '--size', 0),
    concurrency: parseInteger(flags.concurrency, '--concurrency'),
    idleMs: flags.idleTimeout === undefined ? 0 : parseInteger(flags.idleTimeout, '--idle-timeout'),
  };
}

function finish(stats: BenchStats, latencyLabel: string, json: boolean): void {
  printSummary(stats.summary(), latencyLabel, json);
  if (stats.errors > 0) {
    const reason = stats.lastError instanceof Error ? stats.lastError.message : stats.lastError;
    throw new CliError(`${stats.errors} message(s) failed; last error: ${String(reason)}`);
  }
}

/** `concurrency` loops share the producer, each keeping one send in flight. */
async function produce(producer: Producer, run: BenchRun): Promise<BenchStats> {
  const body = Buffer.alloc(run.size, 'x');
  const stats = new BenchStats();
  const progress = new ProgressLine(stats, run.messages, 'sent');
  const stop = new StopSignal();
  let started = 0;
  const worker = async () => {
    while (started < run.messages && !stop.requested) {
      started++;
      const t0 = process.hrtime.bigint();
      try {
        await producer.send({ topic: run.topic, body });
        stats.record(Number(process.hrtime.bigint() - t0) / 1e6, body.length);
      } catch (err) {
        stats.fail(err);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: run.concurrency }, worker));
  } finally {
    progress.stop();
    stop.dispose();
  }
  return stats;
}

/** Reads with `concurrency` consumers, queues dealt round robin; latency = arrival - born time. */
async function consume(flags: BenchFlags, run: BenchRun): Promise<BenchStats> {
  const stats = new BenchStats();
  const progress = new ProgressLine(stats, run.messages, 'received');
  const stop = new StopSignal();
  const done = () => stop.requested || stats.count >= run.messages;
  const reader = (index: number) =>
    withPullConsumer(flags, { group: BENCH_GROUP, autoCommit: false }, async (consumer) => {
      const all = await consumer.queuesOf(run.topic);
      const mine = all.filter((_, i) => i % run.concurrency === index);
      if (mine.length === 0) return;
      await consumer.assign(mine);
      for (const q of mine) await consumer.seekToBeginning(q);
      await drain(consumer, stats, run, done);
    });
  try {
    await Promise.all(Array.from({ length: run.concurrency }, (_, i) => reader(i)));
  } finally {
    progress.stop();
    stop.dispose();
  }
  return stats;
}

async function drain(
  consumer: LitePullConsumer,
  stats: BenchStats,
  run: BenchRun,
  done: () => boolean,
): Promise<void> {
  let lastArrival = Date.now();
  while (!done()) {
    const batch = await consumer.poll(500, Math.min(256, run.messages - stats.count));
    const now = Date.now();
    if (batch.length > 0) lastArrival = now;
    else if (now - lastArrival >= run.idleMs) return;
    for (const m of batch) {
      if (stats.count < run.messages) stats.record(now - m.bornTimestamp, m.body.length);
    }
  }
}
