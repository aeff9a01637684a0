import {
  mkdtempSync,
  openSync,
  closeSync,
  readSync,
  readdirSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@rocketnest/protocol';
import {
  INDEX_ENTRY_SIZE,
  INDEX_HEADER_SIZE,
  WRITE_BUFFER_ENTRIES,
  indexKeyHash,
  topicKeyHash,
} from './index-file';
import { IndexService } from './index-service';

const root = mkdtempSync(join(tmpdir(), 'rocketnest-idx-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dirCount = 0;
function freshDir(): string {
  return join(root, `case-${dirCount++}`);
}

function openIndex(
  dir: string,
  hashSlots = 64,
  entriesPerFile = 1000,
): { index: IndexService; resume: number } {
  const index = new IndexService({ dir, hashSlots, entriesPerFile, logger: silentLogger });
  return { index, resume: index.load() };
}

const T0 = 1_700_000_000_000;
const ALL = [0, Number.MAX_SAFE_INTEGER] as const;

function offsetsOf(
  index: IndexService,
  key: string,
  maxNum = 1000,
  begin: number = ALL[0],
  end: number = ALL[1],
): number[] {
  return index.query(key, maxNum, begin, end).physicalOffsets;
}

/** Message i: physical offset i * 100, stored i seconds after T0, with the given keys. */
function putMessages(
  index: IndexService,
  from: number,
  to: number,
  keysOf: (i: number) => string[],
): void {
  for (let i = from; i < to; i++) {
    for (const key of keysOf(i)) index.put(key, i * 100, T0 + i * 1000);
  }
  index.markDispatched(to * 100);
}

function indexFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => /^\d{20}$/.test(n))
    .sort();
}

function readBytes(path: string, position: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, position);
    return buf;
  } finally {
    closeSync(fd);
  }
}

function writeBytes(path: string, position: number, data: Buffer): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, data, 0, data.length, position);
  } finally {
    closeSync(fd);
  }
}

/** Commit-log offsets of every entry a file's header counts, read straight from the file. */
function entryOffsetsOnDisk(path: string, hashSlots: number): number[] {
  const indexCount = readBytes(path, 36, 4).readInt32BE(0);
  const offsets: number[] = [];
  for (let i = 1; i < indexCount; i++) {
    const entry = readBytes(
      path,
      INDEX_HEADER_SIZE + hashSlots * 4 + i * INDEX_ENTRY_SIZE,
      INDEX_ENTRY_SIZE,
    );
    offsets.push(Number(entry.readBigInt64BE(4)));
  }
  return offsets;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** Offsets of messages [from, to) in newest-first order. */
function newestFirst(from: number, to: number): number[] {
  return range(from, to)
    .reverse()
    .map((i) => i * 100);
}

describe('index key hash', () => {
  it('is Java String.hashCode made non-negative as RocketMQ does', () => {
    expect(indexKeyHash('hello')).toBe(99162322);
    expect(indexKeyHash('t#key-1')).toBe(Math.abs(hashCode('t#key-1')));
    // "polygenelubricants".hashCode() is Integer.MIN_VALUE, which Math.abs cannot negate.
    expect(indexKeyHash('polygenelubricants')).toBe(0);
  });

  it('hashes topic#key from a slice of a KEYS string exactly as the joined string', () => {
    const keys = 'order-1001 7F0000011F9C18B4AAC2672B3CA00000 客户-9';
    const slices = [
      [0, 10],
      [11, 43],
      [44, keys.length],
    ] as const;
    for (const topic of ['Bench', 'a-much-longer-topic-name-%RETRY%group', 'T']) {
      for (const [start, end] of slices) {
        expect(topicKeyHash(topic, keys, start, end)).toBe(
          indexKeyHash(`${topic}#${keys.slice(start, end)}`),
        );
      }
    }
  });
});

function hashCode(s: string): number {
  let h = 0;
  for (const c of s) h = (Math.imul(31, h) + c.charCodeAt(0)) | 0;
  return h;
}

describe('IndexService', () => {
  it('finds a put key again, and an unknown key not at all', () => {
    const { index, resume } = openIndex(freshDir());
    expect(resume).toBe(0);
    index.put('t#order-1', 4096, T0);
    index.markDispatched(5000);
    expect(index.query('t#order-1', 32, ...ALL)).toEqual({
      physicalOffsets: [4096],
      lastUpdateTimestamp: T0,
      lastUpdatePhyOffset: 4096,
    });
    expect(offsetsOf(index, 't#order-2')).toEqual([]);
    expect(offsetsOf(index, 'other#order-1')).toEqual([]);
  });

  it('keeps keys apart that share a slot, returning each newest first', () => {
    const { index } = openIndex(freshDir(), 7);
    putMessages(index, 0, 300, (i) => [`t#k${i % 20}`, `t#all`]);
    for (let k = 0; k < 20; k++) {
      const expected = newestFirst(0, 300).filter((offset) => (offset / 100) % 20 === k);
      expect(offsetsOf(index, `t#k${k}`)).toEqual(expected);
    }
    expect(offsetsOf(index, 't#all')).toEqual(newestFirst(0, 300));
  });

  it('returns keys whose whole hash collides, for the caller to re-check', () => {
    const { index } = openIndex(freshDir());
    // "Aa" and "BB" have the same Java hashCode.
    index.put('t#Aa', 100, T0);
    index.put('t#BB', 200, T0);
    expect(offsetsOf(index, 't#Aa')).toEqual([200, 100]);
  });

  it('returns an offset once when a message lists a key twice', () => {
    const { index } = openIndex(freshDir());
    index.put('t#dup', 100, T0);
    index.put('t#dup', 100, T0);
    index.put('t#dup', 200, T0);
    expect(offsetsOf(index, 't#dup')).toEqual([200, 100]);
  });

  it('stops at maxNum and keeps to the time range', () => {
    const { index } = openIndex(freshDir(), 16);
    putMessages(index, 0, 100, () => ['t#k']);
    expect(offsetsOf(index, 't#k', 5)).toEqual(newestFirst(95, 100));
    expect(offsetsOf(index, 't#k', 0)).toEqual([]);
    expect(offsetsOf(index, 't#k', 1000, T0 + 10_000, T0 + 19_000)).toEqual(newestFirst(10, 20));
    expect(offsetsOf(index, 't#k', 3, T0 + 10_000, T0 + 19_000)).toEqual(newestFirst(17, 20));
    expect(offsetsOf(index, 't#k', 1000, T0 + 200_000, T0 + 300_000)).toEqual([]);
  });

  it('rolls over to a new file when one is full and queries across files', () => {
    const dir = freshDir();
    const { index } = openIndex(dir, 7, 10);
    putMessages(index, 0, 25, (i) => [`t#k${i % 3}`]);
    expect(indexFiles(dir)).toHaveLength(3);
    expect(offsetsOf(index, 't#k0')).toEqual(newestFirst(0, 25).filter((o) => (o / 100) % 3 === 0));
    expect(offsetsOf(index, 't#k1', 4)).toEqual([2200, 1900, 1600, 1300]);
    expect(offsetsOf(index, 't#k2', 1000, T0 + 4000, T0 + 12_000)).toEqual([1100, 800, 500]);
  });

  it('ends every file on a message boundary, so a message never spans two files', async () => {
    const dir = freshDir();
    const { index } = openIndex(dir, 7, 11);
    // Three keys a message: a file of 10 entries fills in the middle of the fourth message.
    putMessages(index, 0, 20, (i) => [`t#a${i}`, `t#b${i}`, `t#c${i}`]);
    await index.close();
    const perFile = indexFiles(dir).map((name) => new Set(entryOffsetsOnDisk(join(dir, name), 7)));
    expect(perFile.length).toBeGreaterThan(1);
    for (let i = 1; i < perFile.length; i++) {
      for (const offset of perFile[i]!) expect(perFile[i - 1]!.has(offset)).toBe(false);
    }
    const reopened = openIndex(dir, 7, 11).index;
    for (let i = 0; i < 20; i++) {
      for (const key of [`t#a${i}`, `t#b${i}`, `t#c${i}`])
        expect(offsetsOf(reopened, key)).toEqual([i * 100]);
    }
    await reopened.close();
  });

  it('keeps everything over flush, close and reload', async () => {
    const dir = freshDir();
    const first = openIndex(dir, 7, 50).index;
    putMessages(first, 0, 120, (i) => [`t#k${i % 4}`, `t#u${i}`]);
    expect(await first.flush()).toBe(12_000);
    await first.close();

    const { index, resume } = openIndex(dir, 7, 50);
    expect(resume).toBe(12_000);
    expect(offsetsOf(index, 't#k3')).toEqual(
      newestFirst(0, 120).filter((o) => (o / 100) % 4 === 3),
    );
    expect(offsetsOf(index, 't#u77')).toEqual([7700]);
    putMessages(index, 120, 130, (i) => [`t#k${i % 4}`]);
    expect(offsetsOf(index, 't#k0', 3)).toEqual([12_800, 12_400, 12_000]);
    await index.close();
  });

  it('records the resume point even when no message had a key', async () => {
    const dir = freshDir();
    const { index } = openIndex(dir);
    index.markDispatched(777);
    expect(await index.flush()).toBe(777);
    await index.close();
    expect(openIndex(dir).resume).toBe(777);
  });

  it('is inert after close: a late flush writes nothing and a put is refused', async () => {
    const dir = freshDir();
    const { index } = openIndex(dir);
    putMessages(index, 0, 3, () => ['t#k']);
    await index.close();
    const files = indexFiles(dir);
    index.markDispatched(1000);
    expect(await index.flush()).toBe(300);
    expect(indexFiles(dir)).toEqual(files);
    expect(() => index.put('t#k', 1000, T0)).toThrow('closed');
  });

  it('ignores puts of messages below the dispatched mark (already indexed)', () => {
    const { index } = openIndex(freshDir());
    putMessages(index, 0, 10, () => ['t#k']);
    index.put('t#k', 500, T0 + 5000);
    expect(offsetsOf(index, 't#k')).toEqual(newestFirst(0, 10));
  });

  describe('after a crash', () => {
    it('resumes from the last flush and rebuilds without duplicates', async () => {
      const dir = freshDir();
      const keysOf = (i: number) => [`t#k${i % 5}`, `t#u${i}`];
      const crashed = openIndex(dir, 7, 100_000).index;
      putMessages(crashed, 0, 50, keysOf);
      expect(await crashed.flush()).toBe(5000);
      // More than a write buffer's worth, so some unflushed entries reached the file.
      putMessages(crashed, 50, 50 + WRITE_BUFFER_ENTRIES, keysOf);
      // The process dies: `crashed` is dropped without flush or close.

      const { index, resume } = openIndex(dir, 7, 100_000);
      expect(resume).toBe(5000);
      expect(offsetsOf(index, 't#k1')).toEqual(
        newestFirst(0, 50).filter((o) => (o / 100) % 5 === 1),
      );
      expect(offsetsOf(index, 't#u60')).toEqual([]);

      putMessages(index, resume / 100, 60, keysOf);
      expect(offsetsOf(index, 't#k1')).toEqual(
        newestFirst(0, 60).filter((o) => (o / 100) % 5 === 1),
      );
      expect(offsetsOf(index, 't#u55')).toEqual([5500]);
      await index.close();
    });

    it('rebuilds a slot table written by a flush whose header was lost', async () => {
      const dir = freshDir();
      const keysOf = (i: number) => [`t#k${i % 3}`];
      const crashed = openIndex(dir, 7).index;
      putMessages(crashed, 0, 30, keysOf);
      await crashed.flush();
      const [name] = indexFiles(dir);
      const path = join(dir, name!);
      const headerAtFirstFlush = readBytes(path, 0, INDEX_HEADER_SIZE);
      putMessages(crashed, 30, 40, keysOf);
      await crashed.flush();
      // The second flush's entries and slots reached the disk, its header did not.
      writeBytes(path, 0, headerAtFirstFlush);

      const warnings: string[] = [];
      const logger = { ...silentLogger, warn: (message: string) => warnings.push(message) };
      const index = new IndexService({ dir, hashSlots: 7, entriesPerFile: 1000, logger });
      expect(index.load()).toBe(3000);
      expect(warnings).toEqual(['index slot table rebuilt after an interrupted flush']);
      expect(offsetsOf(index, 't#k0')).toEqual(
        newestFirst(0, 30).filter((o) => (o / 100) % 3 === 0),
      );
      putMessages(index, 30, 45, keysOf);
      expect(offsetsOf(index, 't#k0')).toEqual(
        newestFirst(0, 45).filter((o) => (o / 100) % 3 === 0),
      );
      await index.close();
      const reopened = openIndex(dir, 7).index;
      expect(offsetsOf(reopened, 't#k2')).toEqual(
        newestFirst(0, 45).filter((o) => (o / 100) % 3 === 2),
      );
      await reopened.close();
    });

    it('drops a file created by a rollover that was never flushed', async () => {
      const dir = freshDir();
      const keysOf = (i: number) => [`t#a${i}`, `t#b${i}`];
      const crashed = openIndex(dir, 7, 10).index;
      putMessages(crashed, 0, 3, keysOf);
      await crashed.flush();
      putMessages(crashed, 3, 12, keysOf);
      expect(indexFiles(dir).length).toBeGreaterThan(1);

      const { index, resume } = openIndex(dir, 7, 10);
      expect(resume).toBe(300);
      expect(indexFiles(dir)).toHaveLength(1);
      putMessages(index, 3, 12, keysOf);
      for (let i = 0; i < 12; i++) expect(offsetsOf(index, `t#b${i}`)).toEqual([i * 100]);
      await index.close();
    });
  });

  it('deletes only whole old files whose entries all point below the minimum', async () => {
    const dir = freshDir();
    const { index } = openIndex(dir, 7, 11);
    putMessages(index, 0, 40, () => ['t#k']);
    await index.flush();
    const files = indexFiles(dir);
    expect(files).toHaveLength(4);

    expect(index.deleteExpired(900)).toBe(0);
    expect(index.deleteExpired(1000)).toBe(1);
    expect(indexFiles(dir)).toEqual(files.slice(1));
    expect(offsetsOf(index, 't#k')).toEqual(newestFirst(10, 40));
    expect(index.deleteExpired(Number.MAX_SAFE_INTEGER)).toBe(2);
    expect(indexFiles(dir)).toEqual(files.slice(3));
    expect(offsetsOf(index, 't#k')).toEqual(newestFirst(30, 40));
    await index.close();
  });

  it('holds the same memory after 200k keys as after 10k', async () => {
    const { index } = openIndex(freshDir(), 1024, 50_000);
    putMessages(index, 0, 10_000, (i) => [`t#k${i}`]);
    const early = index.residentBytes;
    let maxBuffered = 0;
    for (let from = 10_000; from < 200_000; from += 10_000) {
      putMessages(index, from, from + 10_000, (i) => [`t#k${i}`]);
      maxBuffered = Math.max(maxBuffered, index.bufferedEntries);
    }
    expect(index.residentBytes).toBe(early);
    expect(early).toBeLessThan(1024 * 4 + WRITE_BUFFER_ENTRIES * INDEX_ENTRY_SIZE + 4096);
    expect(maxBuffered).toBeLessThanOrEqual(WRITE_BUFFER_ENTRIES);
    expect(offsetsOf(index, 't#k123')).toEqual([12_300]);
    expect(offsetsOf(index, 't#k199999')).toEqual([19_999_900]);
    await index.close();
  });
});
