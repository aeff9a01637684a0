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

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'rocketnest-bench-store-'));
}

/** The bytes one stored message takes, so the raw baselines write exactly the same amount. */
function recordSize(): number {
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
function rawWrites(dir: string, total: number, chunk: number): number {
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
async function rawWriteSync(
  dir: string,
  total: number,
  chunk: number,
  batch: number,
): Promise<number> {
  const fd = openSync(join(dir, 'raw-sync'), 'w');
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

export async function runStore(durationMs: number): Promise<Row[]> {
  const quick = durationMs < 1000;
  const asyncTotal = quick ? 50_000 : 300_000;
  const syncTotal = quick ? 5_000 : 30_000;
  const size = recordSize();
  const rate = (n: number, ms: number) => (n * 1000) / ms;
  const mb = (n: number, ms: number) => (n * size) / 1e6 / (ms / 1000);
  const rows: Row[] = [];
  const dir = tempDir();
  try {
    // Async flush, pipelined appends vs raw sequential writes of the same bytes.
    const asyncStore = await openStore(join(dir, 'async'), 'async');
    const asyncMs = await pipelined(asyncStore, asyncTotal, 256);
    const stats = { ...asyncStore.commitLogStats };
    const read = await sequentialRead(asyncStore, 8);
    global.gc?.();
    const rss = process.memoryUsage().rss / 1024 / 1024;
    await asyncStore.close();
    const rawMs = rawWrites(dir, asyncTotal, size);
    rows.push(
      {
        suite: 'store',
        scenario: 'append 1 KiB, async flush',
        system: 'rocketnest store (256 in flight)',
        msgsPerSec: rate(asyncTotal, asyncMs),
        mbPerSec: mb(asyncTotal, asyncMs),
        ratio: rawMs / asyncMs,
        note: `${(stats.recordsWritten / stats.writeBatches).toFixed(0)} msgs/writev`,
      },
      {
        suite: 'store',
        scenario: 'append 1 KiB, async flush',
        system: 'raw fs.writeSync per record',
        msgsPerSec: rate(asyncTotal, rawMs),
        mbPerSec: mb(asyncTotal, rawMs),
        ratio: 1,
      },
      {
        suite: 'store',
        scenario: 'sequential read via ConsumeQueue',
        system: 'rocketnest store (32/pull)',
        msgsPerSec: rate(read.count, read.ms),
        mbPerSec: mb(read.count, read.ms),
        note: `${read.count} msgs`,
      },
      {
        suite: 'store',
        scenario: 'RSS after the async run',
        system: 'bench process',
        note: `${rss.toFixed(0)} MiB with ${asyncTotal} msgs stored`,
      },
    );

    // Sync flush with 64 concurrent appenders vs write+fdatasync at the batch size they formed.
    const syncStore = await openStore(join(dir, 'sync'), 'sync');
    const before = { ...syncStore.commitLogStats };
    const syncMs = await pipelined(syncStore, syncTotal, 64);
    const after = syncStore.commitLogStats;
    const perFlush =
      (after.recordsWritten - before.recordsWritten) / Math.max(1, after.flushes - before.flushes);
    await syncStore.close();
    const batch = Math.max(1, Math.round(perFlush));
    const rawSyncMs = await rawWriteSync(dir, syncTotal, size, batch);
    rows.push(
      {
        suite: 'store',
        scenario: 'append 1 KiB, sync flush, 64 appenders',
        system: 'rocketnest store',
        msgsPerSec: rate(syncTotal, syncMs),
        mbPerSec: mb(syncTotal, syncMs),
        ratio: rawSyncMs / syncMs,
        note: `${perFlush.toFixed(1)} msgs/fdatasync`,
      },
      {
        suite: 'store',
        scenario: 'append 1 KiB, sync flush, 64 appenders',
        system: `raw write+fdatasync, ${batch} records/round`,
        msgsPerSec: rate(syncTotal, rawSyncMs),
        mbPerSec: mb(syncTotal, rawSyncMs),
        ratio: 1,
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
