import {
  closeSync,
  fdatasyncSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeSync,
  fdatasync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { MessageStore } from '@rocketnest/store';
import { encodeMessageRecord, messageRecord } from '@rocketnest/protocol';
import type { Row } from '../report';

const fdatasyncAsync = promisify(fdatasync);
const BODY = Buffer.alloc(1024, 'x');
const PROPERTIES = {
  TAGS: 'TagA',
  KEYS: 'order-1001',
  UNIQ_KEY: '7F0000011F9C18B4AAC2672B3CA00000',
};

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'rocketnest-bench-store-'));
}

/** The bytes one stored message takes, so the raw baselines write exactly the same amount. */
export function recordSize(): number {
  return encodeMessageRecord(
    messageRecord({
      topic: 'Bench',
      body: BODY,
      properties: PROPERTIES,
      storeHost: { address: '127.0.0.1', port: 10911 },
    }),
  ).length;
}

async function openStore(dir: string, flushMode: 'sync' | 'async'): Promise<MessageStore> {
  return MessageStore.open({
    dataDir: dir,
    flushMode,
    commitLogSegmentSize: 256 * 1024 * 1024,
    persistIntervalMs: 1000,
  });
}

/** Keeps `inFlight` appends outstanding until `total` are acknowledged. */
async function pipelined(store: MessageStore, total: number, inFlight: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      await store.putMessage({
        topic: 'Bench',
        queueId: i % 8,
        body: BODY,
        properties: PROPERTIES,
      });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return performance.now() - start;
}

/** Raw baseline: the same bytes, one record-sized write at a time, sequentially. */
export function rawWrites(dir: string, total: number, chunk: number): number {
  const fd = openSync(join(dir, 'raw'), 'w');
  const buf = Buffer.alloc(chunk, 1);
  const start = performance.now();
  for (let i = 0; i < total; i++) writeSync(fd, buf);
  const elapsed = performance.now() - start;
  fdatasyncSync(fd);
  closeSync(fd);
  return elapsed;
}

/** Raw baseline: write `batch` records at once then fdatasync, as many rounds as needed. */
export async function rawWriteSync(
  dir: string,
  total: number,
  chunk: number,
  batch: number,
): Promise<number> {
  return syncRounds(openSync(join(dir, 'raw-sync'), 'w'), total, chunk, batch);
}

/** Writes `batch` records' bytes then fdatasyncs, until `total` records; closes `fd`. */
async function syncRounds(fd: number, total: number, chunk: number, batch: number) {
  const buf = Buffer.alloc(chunk * batch, 1);
  const start = performance.now();
  for (let done = 0; done < total; done += batch) {
    writeSync(fd, buf);
    await fdatasyncAsync(fd);
  }
  const elapsed = performance.now() - start;
  closeSync(fd);
  return elapsed;
}

/**
 * The physical best case of rawWriteSync: the same rounds into a file whose blocks were written
 * with zeros and fdatasynced first (untimed), so each fdatasync commits data only.
 */
export async function rawWriteSyncPreZeroed(
  dir: string,
  total: number,
  chunk: number,
  batch: number,
): Promise<number> {
  const path = join(dir, 'raw-sync-zeroed');
  const zeros = Buffer.alloc(1024 * 1024);
  const zfd = openSync(path, 'w');
  const bytes = Math.ceil(total / batch) * batch * chunk;
  for (let done = 0; done < bytes; done += zeros.length) writeSync(zfd, zeros);
  fdatasyncSync(zfd);
  closeSync(zfd);
  return syncRounds(openSync(path, 'r+'), total, chunk, batch);
}

async function sequentialRead(
  store: MessageStore,
  queues: number,
): Promise<{ count: number; ms: number }> {
  let count = 0;
  const start = performance.now();
  for (let q = 0; q < queues; q++) {
    let offset = 0;
    for (;;) {
      const r = await store.getMessage({ topic: 'Bench', queueId: q, offset, maxMsgNums: 32 });
      count += r.messages.length;
      if (r.status !== 'FOUND') break;
      offset = r.nextBeginOffset;
    }
  }
  return { count, ms: performance.now() - start };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[]) =>
  `${Math.round(Math.min(...xs)).toLocaleString('en-US')}-${Math.round(Math.max(...xs)).toLocaleString('en-US')}`;

/**
 * Each pair (ours, then the raw baseline) runs ROUNDS times alternately on fresh files and the
 * medians are compared: on a shared machine one pass of either can be off by 2x (page cache and
 * writeback state), which a single pass would turn into a meaningless ratio.
 */
const ROUNDS = 5;
/** Sync-flush appenders, and records per round of the raw write+fdatasync baseline (issue #4). */
const SYNC_APPENDERS = 64;

export async function runStore(durationMs: number): Promise<Row[]> {
  const quick = durationMs < 1000;
  const asyncTotal = quick ? 30_000 : 150_000;
  const syncTotal = quick ? 3_000 : 40_000;
  const size = recordSize();
  const rate = (n: number, ms: number) => (n * 1000) / ms;
  const mb = (msgsPerSec: number) => (msgsPerSec * size) / 1e6;
  const dir = tempDir();
  const ours = { async: [] as number[], sync: [] as number[], read: [] as number[] };
  const raw = { async: [] as number[], sync: [] as number[], syncZeroed: [] as number[] };
  let perWritev = 0;
  let perFlush = 0;
  let rss = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const asyncStore = await openStore(join(dir, `async-${round}`), 'async');
      ours.async.push(rate(asyncTotal, await pipelined(asyncStore, asyncTotal, 256)));
      perWritev = asyncStore.commitLogStats.recordsWritten / asyncStore.commitLogStats.writeBatches;
      const read = await sequentialRead(asyncStore, 8);
      ours.read.push(rate(read.count, read.ms));
      global.gc?.();
      rss = Math.max(rss, process.memoryUsage().rss / 1024 / 1024);
      await asyncStore.close();
      raw.async.push(rate(asyncTotal, rawWrites(dir, asyncTotal, size)));

      // The three sync runs take turns going first: each leaves writeback behind for the next.
      const syncRuns = [
        async () => {
          const syncStore = await openStore(join(dir, `sync-${round}`), 'sync');
          const syncMs = await pipelined(syncStore, syncTotal, SYNC_APPENDERS);
          const stats = syncStore.commitLogStats;
          perFlush = stats.recordsWritten / Math.max(1, stats.flushes);
          ours.sync.push(rate(syncTotal, syncMs));
          await syncStore.close();
        },
        async () => {
          const ms = await rawWriteSync(dir, syncTotal, size, SYNC_APPENDERS);
          raw.sync.push(rate(syncTotal, ms));
        },
        async () => {
          const ms = await rawWriteSyncPreZeroed(dir, syncTotal, size, SYNC_APPENDERS);
          raw.syncZeroed.push(rate(syncTotal, ms));
        },
      ];
      for (let i = 0; i < syncRuns.length; i++) await syncRuns[(round + i) % syncRuns.length]!();
      rmSync(join(dir, `async-${round}`), { recursive: true, force: true });
      rmSync(join(dir, `sync-${round}`), { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const row = (
    scenario: string,
    system: string,
    values: number[],
    base: number[] | undefined,
    note: string,
  ): Row => ({
    suite: 'store',
    scenario,
    system,
    msgsPerSec: median(values),
    mbPerSec: mb(median(values)),
    ratio: base ? median(values) / median(base) : undefined,
    note: `${note}median of ${ROUNDS}: ${spread(values)}`,
  });
  return [
    row(
      'append 1 KiB, async flush',
      'rocketnest store (256 in flight)',
      ours.async,
      raw.async,
      `${perWritev.toFixed(0)} msgs/write; `,
    ),
    row('append 1 KiB, async flush', 'raw fs.writeSync per record', raw.async, raw.async, ''),
    row(
      'append 1 KiB, sync flush, 64 appenders',
      'rocketnest store',
      ours.sync,
      raw.sync,
      `${perFlush.toFixed(1)} msgs/fdatasync; ${syncTotal} msgs; ` +
        `${(median(ours.sync) / median(raw.syncZeroed)).toFixed(2)}x the pre-zeroed file; `,
    ),
    row(
      'append 1 KiB, sync flush, 64 appenders',
      `raw write+fdatasync, ${SYNC_APPENDERS} records/round`,
      raw.sync,
      raw.sync,
      'appended file (the target baseline); ',
    ),
    row(
      'append 1 KiB, sync flush, 64 appenders',
      `raw write+fdatasync, ${SYNC_APPENDERS} records/round, pre-zeroed file`,
      raw.syncZeroed,
      raw.sync,
      'zeros written and fdatasynced before timing: the physical best case; ',
    ),
    row('sequential read via ConsumeQueue', 'rocketnest store (32/pull)', ours.read, undefined, ''),
    {
      suite: 'store',
      scenario: 'RSS',
      system: 'bench process',
      note: `${rss.toFixed(0)} MiB at most, ${asyncTotal} msgs stored per round`,
    },
  ];
}
