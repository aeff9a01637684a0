import { closeSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { MessageStore } from '../src';
import { tempDir } from '../../../test/support/temp-dir';
import { body, openStore, readQueue } from './helpers';

const MiB = 1024 * 1024;

let store: MessageStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const segmentName = (start: number) => String(start).padStart(20, '0');
const bodies = async (s: MessageStore, topic: string) =>
  (await readQueue(s, topic, 0)).map((m) => m.body.toString().replace(/\.+$/, ''));

describe('recovery past the end of the log', () => {
  it('opens a store with 1 GiB segments after a clean close without reading the whole segment', async () => {
    const dataDir = tempDir();
    store = await openStore({ dataDir, commitLogSegmentSize: 1024 * MiB });
    await store.putMessage({ topic: 'G', queueId: 0, body: body('g'), properties: {} });
    await store.close();
    store = await openStore({ dataDir, commitLogSegmentSize: 1024 * MiB });
    // Reading the 1 GiB segment's holes took 0.7-4 s; only its first 4 MiB past the end are read.
    expect(store.recovery.bytesCheckedPastEnd).toBeGreaterThan(0);
    expect(store.recovery.bytesCheckedPastEnd).toBeLessThanOrEqual(4 * MiB);
    expect(await bodies(store, 'G')).toEqual(['g']);
  });

  it('after a crash, zeroes data anywhere past the end of the log, not just near it', async () => {
    const dataDir = tempDir();
    store = await openStore({ dataDir, commitLogSegmentSize: 16 * MiB });
    await store.putMessage({ topic: 'F', queueId: 0, body: body('f'), properties: {} });
    const end = store.maxPhysicalOffset;
    await store.close();
    store = undefined;
    const segment = join(dataDir, 'commitlog', segmentName(0));
    const fd = openSync(segment, 'r+');
    writeSync(fd, Buffer.alloc(100, 0x5a), 0, 100, end + 10 * MiB);
    closeSync(fd);
    writeFileSync(join(dataDir, 'abort'), '1');
    store = await openStore({ dataDir, commitLogSegmentSize: 16 * MiB });
    expect(store.recovery.abnormalShutdown).toBe(true);
    expect(store.recovery.truncatedBytes).toBe(10 * MiB + 100);
    const check = Buffer.alloc(100);
    const rfd = openSync(segment, 'r');
    readSync(rfd, check, 0, 100, end + 10 * MiB);
    closeSync(rfd);
    expect(check.every((b) => b === 0)).toBe(true);
  });
});
