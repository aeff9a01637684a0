import { readFileSync } from 'node:fs';
import { LocalFileOffsetStore } from '../src/offset-store';
import { tempDir } from '../../../test/support/temp-dir';

describe('LocalFileOffsetStore (broadcasting offsets)', () => {
  const dir = tempDir('rocketnest-offsets-');

  it('survives overlapping persists, and the file ends with the latest offsets', async () => {
    const store = new LocalFileOffsetStore(dir, 'instance', 'group');
    const mq = { topic: 'T', brokerName: 'b', queueId: 0 };
    const writes: Promise<void>[] = [];
    for (let offset = 1; offset <= 50; offset++) {
      store.update(mq, offset, false);
      writes.push(store.persist());
    }
    await Promise.all(writes);
    const saved = JSON.parse(readFileSync(store.path, 'utf8'));
    expect(saved.offsetTable).toEqual([{ mq, offset: 50 }]);
    const restarted = new LocalFileOffsetStore(dir, 'instance', 'group');
    expect(await restarted.read(mq, true)).toBe(50);
  });
});
