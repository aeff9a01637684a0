import { deflateSync, inflateSync } from 'node:zlib';
import { BodyDecodeError, bodyCrc, topicConfig } from '@rocketnest/protocol';
import { compressedRegisterBrokerBody, registerBrokerBody } from '../test/support/broker-fixture';
import { decodeRegisterBrokerBody } from './register-broker-body';

const NOW = 1_700_000_123_456;
const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

describe('decodeRegisterBrokerBody', () => {
  it('decodes the JSON a Java broker sends', () => {
    const body = registerBrokerBody([topicConfig('T', 4), topicConfig('%RETRY%G', 1)], {
      timestamp: 5,
      counter: 7,
    });
    expect(decodeRegisterBrokerBody(json(body), false, NOW)).toEqual({
      topicConfigTable: {
        T: topicConfig('T', 4),
        '%RETRY%G': topicConfig('%RETRY%G', 1),
      },
      dataVersion: { timestamp: 5, counter: 7, stateVersion: 0 },
    });
  });

  it('fills missing fields with the Java defaults and accepts numeric strings', () => {
    const body = {
      topicConfigSerializeWrapper: { topicConfigTable: { T: { writeQueueNums: '2' } } },
    };
    expect(decodeRegisterBrokerBody(json(body), false, NOW)).toEqual({
      topicConfigTable: {
        T: {
          topicName: 'T',
          readQueueNums: 16,
          writeQueueNums: 2,
          perm: 6,
          topicFilterType: 'SINGLE_TAG',
          topicSysFlag: 0,
          order: false,
        },
      },
      // Java's `new DataVersion()` is stamped with the current time: always "changed".
      dataVersion: { timestamp: NOW, counter: 0 },
    });
  });

  it('registers a broker without topics when the body is absent', () => {
    expect(decodeRegisterBrokerBody(undefined, false, NOW)).toEqual({
      topicConfigTable: {},
      dataVersion: { timestamp: 0, counter: 0 },
    });
  });

  it.each([
    ['not JSON', Buffer.from('{"topicConfigSerializeWrapper":'), /not JSON/],
    ['a JSON array', json([]), /not a JSON object/],
    [
      'a table that is a list',
      json({ topicConfigSerializeWrapper: { topicConfigTable: [] } }),
      /topicConfigTable is not an object/,
    ],
    [
      'a queue count that is not an int',
      json({ topicConfigSerializeWrapper: { topicConfigTable: { T: { readQueueNums: 'four' } } } }),
      /topic config of "T": readQueueNums must be a Java int, got "four"/,
    ],
    [
      'a fractional counter',
      json({
        topicConfigSerializeWrapper: { topicConfigTable: {}, dataVersion: { counter: 1.5 } },
      }),
      /dataVersion: counter must be a Java long/,
    ],
  ])('rejects %s with a BodyDecodeError', (_what, body, message) => {
    const decode = () => decodeRegisterBrokerBody(body, false, NOW);
    expect(decode).toThrow(BodyDecodeError);
    expect(decode).toThrow(message);
  });

  it('decodes the compressed layout of RegisterBrokerBody.encode(true)', () => {
    const withAttributes = {
      ...topicConfig('A', 2, 4),
      attributes: { '+queue.type': 'Normal Queue' },
    };
    const body = registerBrokerBody([topicConfig('T', 4), withAttributes], {
      timestamp: 9,
      counter: 3,
    });
    const decoded = decodeRegisterBrokerBody(compressedRegisterBrokerBody(body), true, NOW);
    expect(decoded.dataVersion).toEqual({ timestamp: 9, counter: 3, stateVersion: 0 });
    expect(decoded.topicConfigTable).toEqual({ T: topicConfig('T', 4), A: withAttributes });
  });

  it('rejects compressed bodies that do not inflate or are cut short', () => {
    expect(() => decodeRegisterBrokerBody(Buffer.from('plain'), true, NOW)).toThrow(
      /does not inflate/,
    );
    const whole = compressedRegisterBrokerBody(registerBrokerBody([topicConfig('T', 4)]));
    const cut = deflateSync(inflateSync(whole).subarray(0, 30));
    expect(() => decodeRegisterBrokerBody(cut, true, NOW)).toThrow(/truncated/);
  });
});

describe('bodyCrc (REGISTER_BROKER bodyCrc32)', () => {
  it('is CRC32 with the sign bit cleared, as UtilAll.crc32', () => {
    // CRC32("123456789") is 0xCBF43926, the standard check value.
    expect(bodyCrc(Buffer.from('123456789'))).toBe(0x4bf43926);
  });
});
