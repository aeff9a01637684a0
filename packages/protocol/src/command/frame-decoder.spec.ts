import fc from 'fast-check';
import {
  FrameDecoder,
  FrameError,
  FrameTooLargeError,
  RequestCode,
  SerializeType,
  createRequest,
  encodeFrame,
} from '../index';
import { hex } from '../../test/fixtures';

function frames(n: number) {
  return Array.from({ length: n }, (_, i) =>
    createRequest(RequestCode.PULL_MESSAGE, {
      serializeType: i % 2 ? SerializeType.ROCKETMQ : SerializeType.JSON,
      extFields: { queueId: String(i) },
      body: i % 3 ? Buffer.alloc(i * 7, i) : undefined,
    }),
  );
}

describe('FrameDecoder', () => {
  it('decodes frames split at every possible byte boundary', () => {
    const cmds = frames(3);
    const stream = Buffer.concat(cmds.map(encodeFrame));
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new FrameDecoder();
      const out = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
      expect(out).toEqual(cmds);
      expect(decoder.pendingBytes).toBe(0);
    }
  });

  it('decodes many frames coalesced into one chunk', () => {
    const cmds = frames(50);
    expect(new FrameDecoder().push(Buffer.concat(cmds.map(encodeFrame)))).toEqual(cmds);
  });

  it('decodes any chunking of any frame sequence (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 40 }),
        (n, sizes) => {
          const cmds = frames(n);
          const stream = Buffer.concat(cmds.map(encodeFrame));
          const decoder = new FrameDecoder();
          const out = [];
          let pos = 0;
          for (const size of sizes) {
            out.push(...decoder.push(stream.subarray(pos, pos + size)));
            pos += size;
          }
          out.push(...decoder.push(stream.subarray(pos)));
          expect(out).toEqual(cmds);
        },
      ),
    );
  });

  it('waits for the rest of a truncated frame', () => {
    const decoder = new FrameDecoder();
    const frame = encodeFrame(frames(1)[0]!);
    expect(decoder.push(frame.subarray(0, frame.length - 1))).toEqual([]);
    expect(decoder.pendingBytes).toBe(frame.length - 1);
    expect(decoder.push(frame.subarray(frame.length - 1))).toHaveLength(1);
  });

  it('rejects a negative length', () => {
    expect(() => new FrameDecoder().push(hex('fffffff0 00000000'))).toThrow(FrameError);
  });

  it('rejects a length too small to hold the header length word', () => {
    expect(() => new FrameDecoder().push(hex('00000002 0000'))).toThrow('illegal frame length 2');
  });

  it('rejects an oversized frame as soon as its length word arrives', () => {
    const decoder = new FrameDecoder(1024);
    const err = (() => {
      try {
        decoder.push(hex('00000401'));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(FrameTooLargeError);
    expect((err as FrameTooLargeError).message).toBe(
      'frame of 1025 bytes exceeds the maximum frame size of 1024 bytes',
    );
  });

  it('stays failed after an error', () => {
    const decoder = new FrameDecoder();
    expect(() => decoder.push(hex('00000008 07000000 00000000'))).toThrow(FrameError);
    expect(() => decoder.push(encodeFrame(frames(1)[0]!))).toThrow('decoder already failed');
  });
});
