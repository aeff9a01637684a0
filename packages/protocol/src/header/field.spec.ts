import {
  HeaderFieldError,
  PullMessageRequestHeader,
  SendMessageRequestHeader,
  SendMessageRequestHeaderV2,
  decodeFrame,
  sendHeaderCodecFor,
} from '../index';
import { loadFixture } from '../../test/fixtures';

describe('header codecs', () => {
  it('decodes ali-ons SEND_MESSAGE_V2 short names into the long-named header', () => {
    const { code, extFields } = decodeFrame(loadFixture('ali-ons-send-message-v2'));
    expect(sendHeaderCodecFor(code).decode(extFields)).toEqual({
      producerGroup: 'PID_ORDERS',
      topic: 'TopicTest',
      defaultTopic: 'TBW102',
      defaultTopicQueueNums: 4,
      queueId: 2,
      sysFlag: 0,
      bornTimestamp: 1700000000000,
      flag: 0,
      properties: 'TAGS\u0001TagA\u0002KEYS\u0001order-1001\u0002WAIT\u0001true\u0002',
      reconsumeTimes: 0,
      unitMode: false,
    });
  });

  it('decodes the PULL_MESSAGE header ali-ons sends', () => {
    const { extFields } = decodeFrame(loadFixture('ali-ons-pull-message'));
    expect(PullMessageRequestHeader.decode(extFields)).toEqual({
      consumerGroup: 'CID_ORDERS',
      topic: 'TopicTest',
      queueId: 1,
      queueOffset: 42,
      maxMsgNums: 32,
      sysFlag: 7,
      commitOffset: 40,
      suspendTimeoutMillis: 15000,
      subscription: 'TagA || TagB',
      subVersion: 1700000000123,
    });
  });

  it('encodes V2 headers with single-letter keys and Java toString values', () => {
    const ext = SendMessageRequestHeaderV2.encode({
      producerGroup: 'P',
      topic: 'T',
      defaultTopic: 'TBW102',
      defaultTopicQueueNums: 4,
      queueId: 0,
      sysFlag: 0,
      bornTimestamp: 1700000000000,
      flag: 0,
      batch: true,
    });
    expect(ext).toEqual({
      a: 'P',
      b: 'T',
      c: 'TBW102',
      d: '4',
      e: '0',
      f: '0',
      g: '1700000000000',
      h: '0',
      m: 'true',
    });
  });

  it('names a missing required field as RocketMQ does', () => {
    expect(() => SendMessageRequestHeader.decode({ producerGroup: 'P' })).toThrow(
      new HeaderFieldError('the custom field <topic> is null'),
    );
  });

  it.each([
    ['queueId', 'abc', 'int'],
    ['queueId', '2147483648', 'int'],
    ['queueOffset', '1.5', 'long'],
    ['queueOffset', '99999999999999999999', 'long'],
  ])('rejects %s=%s as not a valid %s', (name, value, kind) => {
    const ext = {
      consumerGroup: 'g',
      topic: 't',
      queueId: '0',
      queueOffset: '0',
      maxMsgNums: '1',
      sysFlag: '0',
      commitOffset: '0',
      suspendTimeoutMillis: '0',
      subVersion: '0',
      [name]: value,
    };
    expect(() => PullMessageRequestHeader.decode(ext)).toThrow(
      `the custom field <${name}> is not a valid ${kind}`,
    );
  });

  it('parses booleans as Boolean.parseBoolean does', () => {
    const base = {
      producerGroup: 'P',
      topic: 'T',
      defaultTopic: 'D',
      defaultTopicQueueNums: '4',
      queueId: '0',
      sysFlag: '0',
      bornTimestamp: '0',
      flag: '0',
    };
    expect(SendMessageRequestHeader.decode({ ...base, batch: 'TRUE' }).batch).toBe(true);
    expect(SendMessageRequestHeader.decode({ ...base, batch: 'yes' }).batch).toBe(false);
  });
});
