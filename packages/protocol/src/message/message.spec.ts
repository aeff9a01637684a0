import fc from 'fast-check';
import {
  UniqueIdGenerator,
  createOffsetMessageId,
  decodeBatch,
  decodeProperties,
  encodeBatch,
  encodeProperties,
  parseOffsetMessageId,
  parseTagExpression,
  quoteNumericKeys,
  decodeJsonBody,
  tagHashCode,
  type BatchItem,
  copyProperties,
} from '../index';

describe('properties', () => {
  it('writes name\\u0001value\\u0002 with a trailing separator, as Java does', () => {
    expect(encodeProperties({ TAGS: 'TagA', KEYS: 'k' })).toBe(
      'TAGS\u0001TagA\u0002KEYS\u0001k\u0002',
    );
  });

  it('drops items that are not exactly a name and a value', () => {
    expect(
      decodeProperties('A\u00011\u0002B\u0001\u0002\u0001x\u0002C\u00013\u00014\u0002D\u00014'),
    ).toEqual({ A: '1', D: '4' });
  });

  it('round-trips (property)', () => {
    const text = fc.string({ minLength: 1 }).filter((s) => !/[\u0001\u0002]/.test(s));
    fc.assert(
      fc.property(fc.dictionary(text, text), (props) => {
        expect(decodeProperties(encodeProperties(props))).toEqual({ ...props });
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps a property named __proto__ as an entry, never as a prototype', () => {
    const props = decodeProperties('__proto__\u0001x\u0002polluted\u0001yes\u0002');
    expect(Object.keys(props)).toEqual(['__proto__', 'polluted']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('copies a decoded map into an ordinary object, __proto__ still an entry', () => {
    const props = decodeProperties('TAGS\u0001a\u0002__proto__\u0001x\u0002KEYS\u0001k\u0002');
    const copy = copyProperties(props);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['TAGS', '__proto__', 'KEYS']);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toBe('x');
    expect(copy).not.toBe(props);
    copy.TAGS = 'b';
    expect(props.TAGS).toBe('a');
  });
});

describe('tags', () => {
  it("hashes like Java's String.hashCode", () => {
    // Expected values printed by Java 17's String.hashCode on this machine.
    expect(tagHashCode('TagA')).toBe(2598919);
    expect(tagHashCode('TagB')).toBe(2598920);
    expect(tagHashCode('')).toBe(0);
    expect(tagHashCode('hello world, this overflows')).toBe(161437415);
    expect(tagHashCode('订单-已支付')).toBe(-572671967);
  });

  it('parses subscription expressions', () => {
    expect(parseTagExpression('*')).toEqual({ all: true, tags: [] });
    expect(parseTagExpression(' TagA || TagB ||TagA ')).toEqual({
      all: false,
      tags: ['TagA', 'TagB'],
    });
  });
});

describe('message ids', () => {
  it('parses and rebuilds the offset ids of apache/rocketmq MessageDecoderTest', () => {
    const v4 = parseOffsetMessageId('645100FA00002A9F000000489A3AA09E');
    expect(v4).toEqual({
      storeHost: { address: '100.81.0.250', port: 10911 },
      commitLogOffset: 0x489a3aa09e,
    });
    expect(createOffsetMessageId(v4.storeHost, v4.commitLogOffset)).toBe(
      '645100FA00002A9F000000489A3AA09E',
    );
    const v6 = parseOffsetMessageId('24084004018081003FAA1DDE2B3F898A00002A9F0000000000000CA0');
    expect(v6.commitLogOffset).toBe(3232);
    expect(createOffsetMessageId(v6.storeHost, 3232)).toBe(
      '24084004018081003FAA1DDE2B3F898A00002A9F0000000000000CA0',
    );
  });

  it('rejects text that is not an offset id', () => {
    expect(() => parseOffsetMessageId('XYZ')).toThrow('is not an offset message id');
  });

  it('generates unique 32-hex-character UNIQ_KEYs', () => {
    const gen = new UniqueIdGenerator(Buffer.from([10, 0, 0, 1]), 4242);
    const ids = new Set(Array.from({ length: 70000 }, () => gen.next(1700000000000)));
    expect(ids.size).toBe(65536); // the 16-bit counter wraps, as Java's does
    const id = gen.next(1700000000000);
    expect(id).toMatch(/^0A0000011092[0-9A-F]{20}$/);
  });

  it('writes ms since the start of the month and a counter after the fixed part, as Java does', () => {
    const gen = new UniqueIdGenerator(Buffer.from([10, 0, 0, 1]), 4242);
    // Late in a 31-day month the ms count passes 2^31: written as Java's int, two's complement.
    for (const now of [new Date(2026, 10, 3, 12).getTime(), new Date(2026, 11, 30, 23).getTime()]) {
      const d = new Date(now);
      const sinceMonthStart = now - new Date(d.getFullYear(), d.getMonth(), 1).getTime();
      const expected = Buffer.alloc(4);
      expected.writeInt32BE(sinceMonthStart | 0);
      const [a, b] = [gen.next(now), gen.next(now)];
      expect(a.slice(20, 28)).toBe(expected.toString('hex').toUpperCase());
      expect(parseInt(b.slice(28), 16)).toBe((parseInt(a.slice(28), 16) + 1) & 0xffff);
      expect(Buffer.from(a, 'hex').toString('hex').toUpperCase()).toBe(a);
    }
  });
});

describe('batch bodies', () => {
  it('round-trips items with the MessageDecoder.encodeMessages layout', () => {
    const items: BatchItem[] = [
      { flag: 1, body: Buffer.from('one'), properties: { UNIQ_KEY: 'A' } },
      { flag: 0, body: Buffer.alloc(0), properties: {} },
    ];
    const bytes = encodeBatch(items);
    expect(bytes.readInt32BE(0)).toBe(4 + 4 + 4 + 4 + 4 + 3 + 2 + 'UNIQ_KEY\u0001A\u0002'.length);
    expect(bytes.readInt32BE(4)).toBe(0);
    expect(decodeBatch(bytes)).toEqual(items);
  });

  it('rejects an item whose size overruns the body', () => {
    const bytes = encodeBatch([{ flag: 0, body: Buffer.from('x'), properties: {} }]);
    bytes.writeInt32BE(999, 0);
    expect(() => decodeBatch(bytes)).toThrow('illegal size 999');
  });
});

describe('fastjson bodies', () => {
  it('quotes unquoted numeric map keys outside strings only', () => {
    const text = '{"brokerAddrs":{0:"10.0.0.1:10911",1:"a,2:b"},"x":{-1 :true}}';
    expect(quoteNumericKeys(text)).toBe(
      '{"brokerAddrs":{"0":"10.0.0.1:10911","1":"a,2:b"},"x":{"-1" :true}}',
    );
    expect(decodeJsonBody(Buffer.from(text), 'route')).toEqual({
      brokerAddrs: { 0: '10.0.0.1:10911', 1: 'a,2:b' },
      x: { '-1': true },
    });
  });
});
