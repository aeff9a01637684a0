import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { MessageStore } from '../src';
import { tempDir } from '../../../test/support/temp-dir';
import { body, openStore, readQueue, sleep } from './helpers';

const KiB = 1024;
const MiB = 1024 * KiB;

let store: MessageStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const commitLogDir = (s: MessageStore) => join(s.config.dataDir, 'commitlog');
const segmentName = (start: number) => String(start).padStart(20, '0');
/** Bytes of a file backed by disk blocks (holes are not). */
const allocated = (path: string) => statSync(path).blocks * 512;

async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(5);
  }
}

async function fill(s: MessageStore, topic: string, bytes: number, size = 1000): Promise<string[]> {
  const sent: string[] = [];
  for (let i = 0; sent.length * size < bytes; i++) {
    const batch = Array.from({ length: 16 }, (_, j) => `${topic}-${i}-${j}`);
    await s.putMessages(
      batch.map((text) => ({ topic, queueId: 0, body: body(text, size), properties: {} })),
    );
    sent.push(...batch);
  }
  return sent;
}

const bodies = async (s: MessageStore, topic: string) =>
  (await readQueue(s, topic, 0)).map((m) => m.body.toString().replace(/\.+$/, ''));

describe('CommitLog preallocation', () => {
  it('zero-fills the window ahead of the first append before a sync-flush store opens', async () => {
    store = await openStore({ flushMode: 'sync', commitLogSegmentSize: MiB });
    expect(store.config.commitLogPreallocate).toBe('zero');
    const prepared = join(commitLogDir(store), `${segmentName(0)}.prealloc`);
    // 1 MiB segments: 4 KiB writes, 512 KiB ahead of the append offset.
    expect(allocated(prepared)).toBeGreaterThanOrEqual(512 * KiB);
    await store.putMessage({ topic: 'Z', queueId: 0, body: body('z'), properties: {} });
    expect(existsSync(prepared)).toBe(false);
    expect(allocated(join(commitLogDir(store), segmentName(0)))).toBeGreaterThanOrEqual(512 * KiB);
    expect(await bodies(store, 'Z')).toEqual(['z']);
  });

  it('leaves segments sparse by default under async flush', async () => {
    store = await openStore({ commitLogSegmentSize: MiB });
    expect(store.config.commitLogPreallocate).toBe('sparse');
    await store.putMessage({ topic: 'S', queueId: 0, body: body('s'), properties: {} });
    expect(allocated(join(commitLogDir(store), segmentName(0)))).toBeLessThan(64 * KiB);
    expect(store.commitLogStats.zeroFilledBytes).toBe(0);
  });

  it('prepares the next segment whole once the current one is half written, and rolls into it', async () => {
    store = await openStore({ flushMode: 'sync', commitLogSegmentSize: MiB });
    const dir = commitLogDir(store);
    const first = await fill(store, 'N', 600 * KiB);
    const next = join(dir, `${segmentName(MiB)}.prealloc`);
    await waitFor(
      'the next segment is zeroed whole',
      () => existsSync(next) && allocated(next) >= MiB,
    );
    const rest = await fill(store, 'M', 600 * KiB);
    expect(existsSync(next)).toBe(false);
    expect(allocated(join(dir, segmentName(MiB)))).toBeGreaterThanOrEqual(MiB);
    expect(await bodies(store, 'N')).toEqual(first);
    expect(await bodies(store, 'M')).toEqual(rest);
  });

  it('never writes zeros over records, even when appends outrun the zero-fill', async () => {
    // 256 KiB segments zero 4 KiB per event-loop turn; each turn here appends 16 records of up
    // to 4 KiB, so the writer keeps overtaking the filler, in the current and the next segment.
    store = await openStore({ flushMode: 'sync', commitLogSegmentSize: 256 * KiB });
    const sent: string[] = [];
    for (let i = 0; i < 120; i++) {
      const batch = Array.from({ length: 16 }, (_, j) => ({
        text: `o-${i}-${j}`,
        size: 500 + (((i * 16 + j) * 997) % 3500),
      }));
      await Promise.all(
        batch.map((b) =>
          store!.putMessage({ topic: 'O', queueId: 0, body: body(b.text, b.size), properties: {} }),
        ),
      );
      sent.push(...batch.map((b) => b.text));
    }
    expect(store.commitLogStats.zeroFilledBytes).toBeGreaterThan(0);
    expect(store.maxPhysicalOffset).toBeGreaterThan(10 * 256 * KiB);
    expect(await bodies(store, 'O')).toEqual(sent);
    const dataDir = store.config.dataDir;
    await store.close();
    store = await openStore({ dataDir, flushMode: 'sync', commitLogSegmentSize: 256 * KiB });
    expect(store.recovery.corruptRecords).toEqual([]);
    expect(await bodies(store, 'O')).toEqual(sent);
  });

  it('does not zero again a segment that is allocated whole', async () => {
    const zeroed = tempDir();
    const sparse = tempDir();
    for (const dataDir of [zeroed, sparse]) {
      store = await openStore({ dataDir, flushMode: 'sync', commitLogSegmentSize: MiB });
      await store.putMessage({ topic: 'A', queueId: 0, body: body('a'), properties: {} });
      await store.close();
    }
    const fd = openSync(join(zeroed, 'commitlog', segmentName(0)), 'r+');
    const head = Buffer.alloc(4096);
    readSync(fd, head, 0, head.length, 0);
    writeSync(fd, Buffer.alloc(MiB));
    writeSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    store = await openStore({ dataDir: zeroed, flushMode: 'sync', commitLogSegmentSize: MiB });
    expect(store.commitLogStats.zeroFilledBytes).toBe(0);
    expect(await bodies(store, 'A')).toEqual(['a']);
    await store.close();
    store = await openStore({ dataDir: sparse, flushMode: 'sync', commitLogSegmentSize: MiB });
    expect(store.commitLogStats.zeroFilledBytes).toBeGreaterThanOrEqual(512 * KiB - 4096);
  });

  it('deletes a prepared segment left behind, which never was part of the log', async () => {
    const dataDir = tempDir();
    store = await openStore({ dataDir, commitLogSegmentSize: 256 * KiB });
    await store.putMessage({ topic: 'L', queueId: 0, body: body('l'), properties: {} });
    await store.close();
    const leftover = join(dataDir, 'commitlog', `${segmentName(256 * KiB)}.prealloc`);
    writeFileSync(leftover, Buffer.alloc(4096, 0x5a));
    store = await openStore({ dataDir, commitLogSegmentSize: 256 * KiB });
    expect(existsSync(leftover)).toBe(false);
    expect(store.recovery.truncatedBytes).toBe(0);
    expect(await bodies(store, 'L')).toEqual(['l']);
  });

  it('keeps retention to log segments: the prepared one is not the newest, and close deletes it', async () => {
    let usage = 0.5;
    store = await openStore({
      flushMode: 'sync',
      commitLogSegmentSize: 256 * KiB,
      diskUsage: async () => usage,
      diskForceCleanRatio: 0.85,
      deleteWhen: '99',
    });
    const dir = commitLogDir(store);
    // The next segment is prepared once the current one is half written.
    const prepared = () => readdirSync(dir).some((n) => n.endsWith('.prealloc'));
    await fill(store, 'R', 600 * KiB);
    for (let i = 0; i < 20 && !prepared(); i++) await fill(store, 'R', 16 * KiB);
    expect(prepared()).toBe(true);
    const newest = store.maxPhysicalOffset - (store.maxPhysicalOffset % (256 * KiB));
    usage = 0.86;
    await store.runRetention();
    usage = 0.5;
    // Everything but the segment being written went; the prepared one was not counted.
    expect(readdirSync(dir).filter((n) => !n.endsWith('.prealloc'))).toEqual([segmentName(newest)]);
    const after = await store.putMessage({
      topic: 'R',
      queueId: 0,
      body: body('r'),
      properties: {},
    });
    expect(after.physicalOffset).toBeGreaterThanOrEqual(newest);
    await store.close();
    store = undefined;
    expect(readdirSync(dir).filter((n) => n.endsWith('.prealloc'))).toEqual([]);
  });
});
