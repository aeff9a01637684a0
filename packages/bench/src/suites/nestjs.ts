import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Admin, Producer, type ConsumedMessage } from '@rocketnest/client';
import { ClientRocketMQ, RocketMQServer } from '@rocketnest/nestjs';
import { silentLogger } from '@rocketnest/protocol';
import { lastValueFrom } from 'rxjs';
import { percentile } from '../measure';
import { firstOffsetConsumer } from '../peers/rocketnest';
import { startEmbeddedServer } from '../processes';
import type { Row } from '../report';

const BACKLOG_TOPIC = 'BenchNestBacklog';
const RAW_LATENCY_TOPIC = 'BenchRawLatency';
const NEST_LATENCY_TOPIC = 'BenchNestLatency';
const CONCURRENCY = 20;
const ROUNDS = 3;
const PADDING = 'x'.repeat(1000);

interface Event {
  sentAt: number;
  padding: string;
}

type Sink = (event: Event) => void;
const ignore: Sink = () => undefined;
/** Where the transport's handlers and the raw consumers report; set by each scenario. */
const sinks: { nest: Sink; raw: Sink } = { nest: ignore, raw: ignore };

@Controller()
class BenchController {
  @EventPattern(BACKLOG_TOPIC)
  backlog(@Payload() event: Event): void {
    sinks.nest(event);
  }

  @EventPattern(NEST_LATENCY_TOPIC)
  latency(@Payload() event: Event): void {
    sinks.nest(event);
  }
}

@Module({ controllers: [BenchController] })
class BenchModule {}

const body = () => JSON.stringify({ sentAt: performance.now(), padding: PADDING });

async function fillBacklog(producer: Producer, total: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 256 }, async () => {
      while (next++ < total) await producer.send({ topic: BACKLOG_TOPIC, body: body() });
    }),
  );
}

/**
 * The rate at which `total` events reach the sink, from the first to the last: start-up (Nest's
 * module scan, rebalance, first pulls) is left out for both systems.
 */
async function drainRate(
  sink: keyof typeof sinks,
  total: number,
  start: () => Promise<unknown>,
): Promise<number> {
  let seen = 0;
  let first = 0;
  const done = new Promise<number>((resolve) => {
    sinks[sink] = () => {
      if (seen++ === 0) first = performance.now();
      if (seen === total) resolve(((total - 1) * 1000) / (performance.now() - first));
    };
  });
  await start();
  const rate = await done;
  sinks[sink] = ignore;
  return rate;
}

/** The baseline decodes the JSON body too, as any consumer of these events must. */
const rawListener = (msg: ConsumedMessage) => sinks.raw(JSON.parse(msg.body.toString()) as Event);

async function startTransport(nameServer: string, group: string): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(BenchModule, {
    strategy: new RocketMQServer({
      nameServer,
      group,
      concurrency: CONCURRENCY,
      consumer: { consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' },
      logger: silentLogger,
    }),
    logger: false,
  });
  await app.listen();
  return app;
}

/** Publishes at `rate` for `seconds` and collects send-to-handler latencies. */
async function latencies(
  sink: keyof typeof sinks,
  publish: () => Promise<unknown>,
  rate: number,
  seconds: number,
): Promise<number[]> {
  const out: number[] = [];
  sinks[sink] = (event) => out.push(performance.now() - event.sentAt);
  const total = rate * seconds;
  const start = performance.now();
  const pending: Promise<unknown>[] = [];
  for (let sent = 0; sent < total;) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    for (; sent < due; sent++) pending.push(publish());
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(pending);
  const deadline = performance.now() + 10_000;
  while (out.length < total && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  sinks[sink] = ignore;
  return out.sort((a, b) => a - b);
}

function latencyRow(system: string, rate: number, seconds: number, sorted: number[]): Row {
  return {
    suite: 'nestjs',
    scenario: `send-to-handler latency at ${rate} msg/s for ${seconds} s`,
    system,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    p999Ms: percentile(sorted, 99.9),
    note: `received ${sorted.length}/${rate * seconds}`,
  };
}

/**
 * Event throughput (draining a backlog of 1 KiB JSON events, 20 concurrent handler calls) and
 * send-to-handler latency through the Nest transport, beside the raw PushConsumer in the same run.
 */
export async function runNestjs(durationMs: number): Promise<Row[]> {
  const quick = durationMs < 1000;
  const total = quick ? 20_000 : 100_000;
  const seconds = quick ? 2 : 5;
  const rate = 2000;
  const server = await startEmbeddedServer();
  const { nameServer } = server;
  const producer = new Producer({ nameServer, group: 'PID_bench_nest', logger: silentLogger });
  const client = new ClientRocketMQ({ nameServer, logger: silentLogger });
  const admin = new Admin({ nameServer });
  const stoppers: (() => Promise<unknown>)[] = [];
  try {
    await producer.start();
    await admin.createTopic(BACKLOG_TOPIC, { queueNums: 8 });
    await fillBacklog(producer, total);

    for (const t of [RAW_LATENCY_TOPIC, NEST_LATENCY_TOPIC]) await admin.createTopic(t);
    // Started as early as the transport's latency consumer is (with the app), and as idle.
    const rawLatency = firstOffsetConsumer(nameServer, 'CG_bench_raw_latency', RAW_LATENCY_TOPIC);
    await rawLatency.run({ concurrency: CONCURRENCY, eachMessage: rawListener });
    stoppers.push(() => rawLatency.stop());
    // One system at a time, so neither competes with the other for the two cores; best of
    // ROUNDS each, alternating, so a burst of load from elsewhere does not decide the ratio.
    const rawRates: number[] = [];
    const nestRates: number[] = [];
    let app: INestMicroservice | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      const raw = firstOffsetConsumer(nameServer, `CG_bench_raw_backlog_${round}`, BACKLOG_TOPIC);
      rawRates.push(
        await drainRate('raw', total, () =>
          raw.run({ concurrency: CONCURRENCY, eachMessage: rawListener }),
        ),
      );
      await raw.stop();
      await app?.close();
      nestRates.push(
        await drainRate('nest', total, async () => {
          app = await startTransport(nameServer, `CG_bench_nest_${round}`);
        }),
      );
    }
    stoppers.push(() => app!.close());
    const rawRate = Math.max(...rawRates);
    const nestRate = Math.max(...nestRates);
    const rawSorted = await latencies(
      'raw',
      () => producer.send({ topic: RAW_LATENCY_TOPIC, body: body() }),
      rate,
      seconds,
    );
    const nestSorted = await latencies(
      'nest',
      () =>
        lastValueFrom(
          client.emit(NEST_LATENCY_TOPIC, { sentAt: performance.now(), padding: PADDING }),
        ),
      rate,
      seconds,
    );
    return [
      {
        suite: 'nestjs',
        scenario: `drain ${total} x 1 KiB JSON events, ${CONCURRENCY} concurrent handlers`,
        system: 'RocketMQServer (@EventPattern handler)',
        msgsPerSec: nestRate,
        ratio: nestRate / rawRate,
        note: `target >= 0.80x; best of ${ROUNDS}: ${nestRates.map(Math.round).join(', ')}`,
      },
      {
        suite: 'nestjs',
        scenario: `drain ${total} x 1 KiB JSON events, ${CONCURRENCY} concurrent handlers`,
        system: 'raw PushConsumer + JSON.parse (baseline)',
        msgsPerSec: rawRate,
        ratio: 1,
        note: `best of ${ROUNDS}: ${rawRates.map(Math.round).join(', ')}`,
      },
      latencyRow('ClientRocketMQ.emit -> RocketMQServer handler', rate, seconds, nestSorted),
      latencyRow('Producer.send -> raw PushConsumer (baseline)', rate, seconds, rawSorted),
    ];
  } finally {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    await client.close().catch(() => undefined);
    await producer.shutdown().catch(() => undefined);
    await admin.close().catch(() => undefined);
    await server.stop();
  }
}
