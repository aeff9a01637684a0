import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import {
  IllegalMessageError,
  MessageDecodeError,
  MessageMagic,
  MessageSysFlag,
  bodyCrc,
  decodeMessageRecord,
  decodeMessageRecords,
  encodeMessageRecord,
  encodeProperties,
  prepareMessageRecord,
  storeTimestampOffset,
  writeMessageRecord,
  type MessageRecord,
} from '../index';
import { hex } from '../../test/fixtures';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ByteBuffer = require('byte');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aliDecoder = require('ali-ons/lib/message/message_decoder');

/** The message of apache/rocketmq MessageDecoderTest#testDecodeProperties, with fixed times. */
function sample(overrides: Partial<MessageRecord> = {}): MessageRecord {
  return {
    topic: 'abc',
    body: Buffer.from('hello!q!'),
    properties: { a: '123', b: 'hello', c: '3.14' },
    flag: 0,
    queueId: 0,
    queueOffset: 123,
    commitLogOffset: 123456,
    sysFlag: 0,
    bornTimestamp: 1700000000000,
    bornHost: { address: '127.0.0.1', port: 0 },
    storeTimestamp: 1700000000001,
    storeHost: { address: '100.81.0.250', port: 10911 },
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    ...overrides,
  };
}

describe('stored message records', () => {
  it('lays out every field at the offsets MessageDecoder reads (IPv4)', () => {
    const props = 'a\u0001123\u0002b\u0001hello\u0002c\u00013.14\u0002';
    const expected = Buffer.concat([
      hex('0000007b'), // TOTALSIZE = 123
      hex('daa320a7'), // MAGICCODE V1
      hex('3cd1c123'), // BODYCRC: java.util.zip.CRC32 of "hello!q!" & 0x7FFFFFFF = 1020379427
      hex('00000000'), // QUEUEID
      hex('00000000'), // FLAG
      hex('000000000000007b'), // QUEUEOFFSET 123
      hex('000000000001e240'), // PHYSICALOFFSET 123456
      hex('00000000'), // SYSFLAG
      hex('0000018bcfe56800'), // BORNTIMESTAMP 1700000000000
      hex('7f000001 00000000'), // BORNHOST 127.0.0.1:0
      hex('0000018bcfe56801'), // STORETIMESTAMP
      hex('645100fa 00002a9f'), // STOREHOST 100.81.0.250:10911
      hex('00000000'), // RECONSUMETIMES
      hex('0000000000000000'), // PREPARED TRANSACTION OFFSET
      hex('00000008'),
      Buffer.from('hello!q!'),
      hex('03'),
      Buffer.from('abc'),
      hex('0015'),
      Buffer.from(props),
    ]);
    expect(encodeMessageRecord(sample())).toEqual(expected);
    expect(expected).toHaveLength(123);
  });

  it('decodes its own encoding, with the offset msgId of MessageDecoderTest', () => {
    const msg = decodeMessageRecord(
      encodeMessageRecord(sample({ queueOffset: 0, commitLogOffset: 0x489a3aa09e })),
    );
    expect(msg).toMatchObject({
      ...sample({ queueOffset: 0, commitLogOffset: 0x489a3aa09e }),
      storeSize: 123,
    });
    expect(msg.msgId).toBe('645100FA00002A9F000000489A3AA09E');
  });

  it('encodes IPv6 hosts in 20 bytes and flags them', () => {
    const record = sample({
      bornHost: { address: '1050:0:0:0:5:600:300c:326b', port: 0 },
      storeHost: { address: '2408:4004:180:8100:3faa:1dde:2b3f:898a', port: 10911 },
      commitLogOffset: 0xca0,
    });
    const bytes = encodeMessageRecord(record);
    const msg = decodeMessageRecord(bytes);
    expect(msg.sysFlag & MessageSysFlag.BORNHOST_V6).toBeTruthy();
    expect(msg.sysFlag & MessageSysFlag.STOREHOST_V6).toBeTruthy();
    expect(msg.bornHost).toEqual(record.bornHost);
    expect(msg.storeHost).toEqual(record.storeHost);
    expect(msg.msgId).toBe('24084004018081003FAA1DDE2B3F898A00002A9F0000000000000CA0');
    expect(storeTimestampOffset(msg.sysFlag)).toBe(48 + 20);
    expect(bytes).toHaveLength(123 + 24);
  });

  it('uses the V2 magic and a two-byte topic length above 127 bytes', () => {
    const topic = 't'.repeat(200);
    const bytes = encodeMessageRecord(sample({ topic }));
    expect(bytes.readInt32BE(4)).toBe(MessageMagic.V2);
    expect(decodeMessageRecord(bytes).topic).toBe(topic);
  });

  it('inflates compressed bodies and keeps the CRC of the stored bytes', () => {
    const body = Buffer.alloc(10000, 'x');
    const stored = deflateSync(body, { level: 5 });
    const msg = decodeMessageRecord(
      encodeMessageRecord(sample({ body: stored, sysFlag: MessageSysFlag.COMPRESSED })),
    );
    expect(msg.body).toEqual(body);
    expect(msg.bodyCRC).toBe(bodyCrc(stored));
  });

  it('is read by a real client: ali-ons decodes a pull body of our records', () => {
    const records = [
      sample(),
      sample({
        queueOffset: 124,
        commitLogOffset: 123585,
        properties: { TAGS: 'TagA', KEYS: 'k1 k2' },
      }),
    ];
    const body = Buffer.concat(records.map(encodeMessageRecord));
    const decoded = aliDecoder.decodes(ByteBuffer.wrap(body));
    expect(decoded).toHaveLength(2);
    expect(decoded[1]).toMatchObject({
      topic: 'abc',
      queueOffset: 124,
      commitLogOffset: 123585,
      storeHost: '100.81.0.250:10911',
      msgId: '645100FA00002A9F000000000001E2C1',
      properties: { TAGS: 'TagA', KEYS: 'k1 k2' },
    });
    expect(decoded[1].body.toString()).toBe('hello!q!');
  });

  it('writes the same bytes at any position of any buffer, pooled slices included', () => {
    const records = [sample(), sample({ topic: 't'.repeat(40), queueOffset: 2 ** 40 })];
    const expected = records.map(encodeMessageRecord);
    const pool = Buffer.alloc(4096, 0xee);
    const slice = pool.subarray(100, 2000);
    const other = Buffer.alloc(1000, 0xee);
    // Alternate between buffers: the writer keeps a view of the last one it wrote to.
    writeMessageRecord(prepareMessageRecord(records[0]!), slice, 7);
    writeMessageRecord(prepareMessageRecord(records[1]!), other, 3);
    writeMessageRecord(prepareMessageRecord(records[1]!), slice, 7 + expected[0]!.length);
    expect(slice.subarray(7, 7 + expected[0]!.length)).toEqual(expected[0]);
    expect(slice.subarray(7 + expected[0]!.length, 7 + 123 + expected[1]!.length)).toEqual(
      expected[1],
    );
    expect(other.subarray(3, 3 + expected[1]!.length)).toEqual(expected[1]);
    expect(pool.subarray(0, 107).every((b) => b === 0xee)).toBe(true);
    expect(other[2]).toBe(0xee);
    expect(other[3 + expected[1]!.length]).toBe(0xee);
  });

  it('refuses a field that does not fit its slot before writing anything', () => {
    const cases: [Partial<MessageRecord>, string][] = [
      [{ queueId: 2 ** 31 }, 'queueId'],
      [{ flag: 1.5 }, 'flag'],
      [{ reconsumeTimes: -(2 ** 31) - 1 }, 'reconsumeTimes'],
      [{ storeHost: { address: '127.0.0.1', port: 2 ** 32 } }, 'storeHost.port'],
      [{ queueOffset: 2 ** 53 }, 'queueOffset'],
      [{ bornTimestamp: Number.NaN }, 'bornTimestamp'],
    ];
    for (const [fields, name] of cases) {
      expect(() => prepareMessageRecord(sample(fields))).toThrow(IllegalMessageError);
      expect(() => prepareMessageRecord(sample(fields))).toThrow(`field ${name} `);
    }
    expect(() => prepareMessageRecord(sample({ flag: -1, queueOffset: -1 }))).not.toThrow();
  });

  it('never returns a corrupted record as a message', () => {
    const good = encodeMessageRecord(sample());
    const flipped = Buffer.from(good);
    flipped[90] ^= 0xff; // the body starts at byte 88
    expect(() => decodeMessageRecord(flipped)).toThrow('body CRC mismatch');
    const badMagic = Buffer.from(good);
    badMagic.writeInt32BE(MessageMagic.BLANK, 4);
    expect(() => decodeMessageRecord(badMagic)).toThrow(MessageDecodeError);
    expect(() => decodeMessageRecord(good.subarray(0, 100))).toThrow('total size 123');
    const badBodyLength = Buffer.from(good);
    badBodyLength.writeInt32BE(5000, 84);
    expect(() => decodeMessageRecord(badBodyLength)).toThrow('body overruns the record');
  });

  it('stores properties as the UTF-8 of their text, ASCII or not', () => {
    const cases: Record<string, string>[] = [
      {},
      { TAGS: 'TagA', KEYS: 'order-1001 order-1002', UNIQ_KEY: '7F0000011F9C18B4AAC2672B3CA00000' },
      { TAGS: '订单', KEYS: 'k' },
      { naïve: 'x', b: '\u007f' },
      { emoji: '\u{1F600}', lone: '\uD800' },
      { gone: undefined as unknown as string, kept: 'v', nil: null as unknown as string },
      { n: 42 as unknown as string, s: 'x' },
    ];
    for (const properties of cases) {
      const bytes = encodeMessageRecord(sample({ properties }));
      const text = Buffer.from(encodeProperties(properties), 'utf8');
      expect(bytes.readInt16BE(bytes.length - text.length - 2)).toBe(text.length);
      expect(bytes.subarray(bytes.length - text.length)).toEqual(text);
    }
  });

  it('stores properties as the UTF-8 of their text (property)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 20 });
    fc.assert(
      fc.property(fc.dictionary(text, text, { maxKeys: 6 }), (properties) => {
        const bytes = encodeMessageRecord(sample({ properties }));
        const expected = Buffer.from(encodeProperties(properties), 'utf8');
        expect(bytes.readInt32BE(0)).toBe(bytes.length);
        expect(bytes.subarray(bytes.length - expected.length)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips arbitrary messages (property)', () => {
    const propName = fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((s) => !/[\u0001\u0002]/.test(s));
    const propValue = fc
      .string({ minLength: 1, maxLength: 40 })
      .filter((s) => !/[\u0001\u0002]/.test(s));
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 300 }),
        fc.uint8Array({ maxLength: 2000 }),
        fc.dictionary(propName, propValue, { maxKeys: 8 }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        (topic, body, properties, offset, flag) => {
          const record = sample({
            topic,
            body: Buffer.from(body),
            properties,
            commitLogOffset: offset,
            queueOffset: offset,
            flag,
          });
          const [msg] = decodeMessageRecords(encodeMessageRecord(record));
          expect(msg).toMatchObject({ ...record, properties: { ...properties } });
        },
      ),
    );
  });
});
