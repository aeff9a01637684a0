import { performance } from 'node:perf_hooks';
import { progress } from '../progress';
import { pacedLoad, percentile } from '../measure';
import type { Channel, Subscription } from './driver';

export const MESSAGE_SIZE = 1024;
/** Single sends kept outstanding at once (the bounded in-flight window). */
export const IN_FLIGHT = 256;
export const BATCH_SIZE = 32;
export const BATCHES_IN_FLIGHT = 16;
export const FANOUT_GROUPS = 4;

const BODY = Buffer.alloc(MESSAGE_SIZE, 'x');
const PROBE = Buffer.alloc(MESSAGE_SIZE, 0);
const STALL_TIMEOUT_MS = 20_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isProbe = (body: Buffer) => body.readDoubleBE(0) === 0;

/** A 1 KiB body stamped with its send time (ms since this process started). */
function stamped(): Buffer {
  const body = Buffer.alloc(MESSAGE_SIZE, 'x');
  body.writeDoubleBE(performance.now(), 0);
  return body;
}

/** Acknowledged sends for `ms`, single messages or batches, with a bounded window. */
export async function produceRate(channel: Channel, ms: number, batched: boolean) {
  const size = batched ? BATCH_SIZE : 1;
  const batch = Array.from({ length: size }, () => BODY);
  const deadline = performance.now() + ms;
  let sent = 0;
  const start = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) {
      await (batched ? channel.sendBatch(batch) : channel.send(BODY));
      sent += size;
      progress.add(size);
    }
  };
  await Promise.all(Array.from({ length: batched ? BATCHES_IN_FLIGHT : IN_FLIGHT }, worker));
  return (sent * 1000) / (performance.now() - start);
}

/** Sends probes until every group got one, so measurements start with consumers flowing. */
async function untilFlowing(channel: Channel, seen: boolean[]): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (!seen.every(Boolean)) {
    if (performance.now() > deadline) throw new Error('consumers did not start within 30 s');
    await channel.send(PROBE);
    await sleep(100);
  }
}

/**
 * Waits until `count()` reaches `target` or stops moving for STALL_TIMEOUT_MS; returns how many
 * never arrived, so a system that loses messages is reported as such instead of hanging the run.
 */
async function until(count: () => number, target: number): Promise<number> {
  let last = count();
  let movedAt = performance.now();
  while (count() < target) {
    if (count() !== last) {
      last = count();
      movedAt = performance.now();
    } else if (performance.now() - movedAt > STALL_TIMEOUT_MS) {
      return target - count();
    }
    await sleep(5);
  }
  return 0;
}

/**
 * Send-to-handler latency at a fixed rate, producer and consumer in this process. The first
 * `warmUpSeconds` run at the same rate but are not recorded (connections, JIT, first pulls).
 */
export async function latency(
  channel: Channel,
  rate: number,
  seconds: number,
  warmUpSeconds: number,
) {
  const latencies: number[] = [];
  const seen = [false];
  let recordFrom = Infinity;
  let lastAt = 0;
  const sub = await channel.consume(0, (body) => {
    const sentAt = body.readDoubleBE(0);
    lastAt = performance.now();
    if (sentAt === 0) seen[0] = true;
    else if (sentAt >= recordFrom) latencies.push(lastAt - sentAt);
    progress.add(1);
  });
  try {
    await untilFlowing(channel, seen);
    const total = rate * (warmUpSeconds + seconds);
    const start = performance.now();
    recordFrom = start + warmUpSeconds * 1000;
    let recorded = 0;
    const { achievedRate: achieved } = await pacedLoad(rate, total, () => {
      const body = stamped();
      if (body.readDoubleBE(0) >= recordFrom) recorded += 1;
      return channel.send(body);
    });
    const lost = await until(() => latencies.length, recorded);
    const sorted = latencies.sort((a, b) => a - b);
    return {
      achieved,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      p999Ms: percentile(sorted, 99.9),
      /** Handler calls per second over the measured window: below `rate`, latency grows. */
      delivered: (sorted.length * 1000) / (lastAt - recordFrom),
      lost,
    };
  } finally {
    await sub.stop();
  }
}

/** Sends about `total` messages as fast as the system takes them; returns how many it sent. */
export async function fill(channel: Channel, total: number, batched: boolean): Promise<number> {
  const size = batched ? BATCH_SIZE : 1;
  const batch = Array.from({ length: size }, () => BODY);
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next += size;
      await (batched ? channel.sendBatch(batch) : channel.send(BODY));
      progress.add(size);
    }
  };
  await Promise.all(Array.from({ length: batched ? BATCHES_IN_FLIGHT : IN_FLIGHT }, worker));
  return next;
}

/** Drains a stored backlog with one group: rate from the first delivery to the last. */
export async function drain(channel: Channel, total: number) {
  let received = 0;
  let first = 0;
  let last = 0;
  const sub = await channel.consume(0, () => {
    if (received === 0) first = performance.now();
    received += 1;
    last = performance.now();
    progress.add(1);
  });
  let lost: number;
  try {
    lost = await until(() => received, total);
  } finally {
    await sub.stop();
  }
  return { rate: ((received - 1) * 1000) / (last - first), lost };
}

/** One topic read by several groups: deliveries per second while `total` messages are sent. */
export async function fanout(channel: Channel, total: number, groups: number, batched: boolean) {
  const seen = Array.from({ length: groups }, () => false);
  let delivered = 0;
  const subs: Subscription[] = [];
  try {
    for (let g = 0; g < groups; g++)
      subs.push(
        await channel.consume(g, (body) => {
          if (isProbe(body)) seen[g] = true;
          else delivered += 1;
          progress.add(1);
        }),
      );
    await untilFlowing(channel, seen);
    const start = performance.now();
    const sent = await fill(channel, total, batched);
    const lost = await until(() => delivered, sent * groups);
    const elapsed = performance.now() - start - (lost > 0 ? STALL_TIMEOUT_MS : 0);
    return { rate: (delivered * 1000) / elapsed, lost };
  } finally {
    for (const sub of subs) await sub.stop();
  }
}
