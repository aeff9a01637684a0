import { WrittenTail } from '../src/written-tail';

const MiB = 1024 * 1024;

/** Bytes whose value depends on their log offset, so any misplaced byte shows. */
function logBytes(offset: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = (offset + i) % 251;
  return out;
}

/** Checks `actual` holds the log's bytes [offset, offset + length) (Buffer.equals: fast). */
function expectLogBytes(actual: Buffer | undefined, offset: number, length: number): void {
  expect(actual?.length).toBe(length);
  expect(actual!.equals(logBytes(offset, length))).toBe(true);
}

describe('WrittenTail', () => {
  it('serves what was appended, within a chunk and across chunk boundaries', () => {
    const tail = new WrittenTail(8 * MiB);
    // Odd sizes so that appends straddle the 1 MiB chunks.
    let offset = 0;
    for (const size of [1000, 700_000, 900_000, 333, 1_500_000]) {
      tail.append(offset, logBytes(offset, size));
      offset += size;
    }
    expectLogBytes(tail.read(0, 1000), 0, 1000);
    expectLogBytes(tail.read(MiB - 10, 20), MiB - 10, 20);
    expectLogBytes(tail.read(500, offset - 500), 500, offset - 500);
    expectLogBytes(tail.read(offset - 1, 1), offset - 1, 1);
  });

  it('answers undefined for bytes not written yet', () => {
    const tail = new WrittenTail(8 * MiB);
    tail.append(0, logBytes(0, 5000));
    expect(tail.read(4000, 1001)).toBeUndefined();
    expect(tail.read(5000, 1)).toBeUndefined();
    expect(tail.read(2 * MiB, 10)).toBeUndefined();
  });

  it('drops the oldest chunks past its capacity and keeps the newest', () => {
    const tail = new WrittenTail(2 * MiB);
    const total = 5 * MiB + 123;
    for (let offset = 0; offset < total; offset += 64 * 1024) {
      const size = Math.min(64 * 1024, total - offset);
      tail.append(offset, logBytes(offset, size));
    }
    expect(tail.bytesHeld).toBeLessThanOrEqual(2 * MiB);
    expect(tail.read(0, 100)).toBeUndefined();
    expectLogBytes(tail.read(total - 1000, 1000), total - 1000, 1000);
  });

  it('starts a new chunk after a gap (a segment roll) and never serves the gap', () => {
    const tail = new WrittenTail(8 * MiB);
    tail.append(0, logBytes(0, 1000));
    const next = 64 * 1024; // the next segment starts here; 1000..65535 was never written
    tail.append(next, logBytes(next, 2000));
    expectLogBytes(tail.read(next, 2000), next, 2000);
    expectLogBytes(tail.read(0, 1000), 0, 1000);
    expect(tail.read(900, 200)).toBeUndefined();
    expect(tail.read(next - 10, 20)).toBeUndefined();
  });

  it('returns copies: what a reader holds does not change when the chunk is reused', () => {
    const tail = new WrittenTail(MiB);
    tail.append(0, logBytes(0, 1000));
    const held = tail.read(0, 1000)!;
    for (let offset = 1000; offset < 4 * MiB; offset += 100_000)
      tail.append(offset, Buffer.alloc(100_000, 0xff));
    expect(tail.read(0, 1000)).toBeUndefined();
    expectLogBytes(held, 0, 1000);
  });

  it('allocates its capacity up front and never more, however much is appended', () => {
    const tail = new WrittenTail(4 * MiB);
    expect(tail.bytesAllocated).toBe(4 * MiB);
    expect(tail.bytesHeld).toBe(0);
    for (let offset = 0; offset < 10 * MiB; offset += 300_000) {
      tail.append(offset, logBytes(offset, 300_000));
    }
    expect(tail.bytesAllocated).toBe(4 * MiB);
    expectLogBytes(tail.read(10 * MiB - 1000, 1000), 10 * MiB - 1000, 1000);
    expect(new WrittenTail(100 * 1024).bytesAllocated).toBe(MiB);
    tail.clear();
    expect(tail.bytesAllocated).toBe(0);
  });

  it('holds nothing with a capacity of 0', () => {
    const tail = new WrittenTail(0);
    tail.append(0, logBytes(0, 1000));
    expect(tail.bytesHeld).toBe(0);
    expect(tail.bytesAllocated).toBe(0);
    expect(tail.read(0, 10)).toBeUndefined();
  });
});
