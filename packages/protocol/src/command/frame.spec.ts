import {
  CommandFlag,
  FrameError,
  LanguageCode,
  RequestCode,
  SerializeType,
  createRequest,
  createResponse,
  decodeFrame,
  decodeRocketMQHeader,
  encodeFrame,
  encodeRocketMQHeader,
  isOneway,
  isResponse,
  type RemotingCommand,
} from '../index';
import { hex, loadFixture } from '../../test/fixtures';
// A real third-party client's decoder, to prove what we emit is what RocketMQ clients read.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AliRemotingCommand = require('ali-ons/lib/protocol/command/remoting_command');

function command(overrides: Partial<RemotingCommand>): RemotingCommand {
  return {
    code: 103,
    language: 'JAVA',
    version: 2333,
    opaque: 0,
    flag: 0,
    serializeType: SerializeType.ROCKETMQ,
    ...overrides,
  };
}

describe('ROCKETMQ binary header (fixtures from apache/rocketmq RocketMQSerializableTest)', () => {
  it('encodes a header without remark or ext fields in 21 bytes', () => {
    const bytes = encodeRocketMQHeader(command({ opaque: 5 }));
    expect(bytes).toEqual(hex('0067 00 091d 00000005 00000000 00000000 00000000'));
  });

  it('encodes the remark "Sample Remark" with its length at byte 13 (34 bytes)', () => {
    const bytes = encodeRocketMQHeader(command({ remark: 'Sample Remark' }));
    expect(bytes).toHaveLength(34);
    expect(bytes.readInt32BE(13)).toBe(13);
    expect(bytes.toString('utf8', 17, 30)).toBe('Sample Remark');
    expect(bytes.readInt32BE(30)).toBe(0);
  });

  it('encodes the ext field key=value as a 14-byte map (35 bytes)', () => {
    const bytes = encodeRocketMQHeader(command({ extFields: { key: 'value' } }));
    expect(bytes).toEqual(
      hex('0067 00 091d 00000000 00000000 00000000 0000000e 0003 6b6579 00000005 76616c7565'),
    );
    expect(decodeRocketMQHeader(bytes).extFields).toEqual({ key: 'value' });
  });
});

describe('frames', () => {
  it('matches the worked GET_ROUTEINFO_BY_TOPIC frame in ROCKETMQ serialization byte for byte', () => {
    const expected = hex(`
      00000025 01000021 0069 00 0191 00000001 00000000 00000000 0000000c
      0005 746f706963 00000001 54`);
    const cmd = command({ code: 105, version: 401, opaque: 1, extFields: { topic: 'T' } });
    expect(encodeFrame(cmd)).toEqual(expected);
    expect(decodeFrame(expected)).toEqual({ ...cmd, remark: undefined, body: undefined });
  });

  it('decodes the SEND_MESSAGE_V2 frame ali-ons writes, coercing JSON numbers to strings', () => {
    const cmd = decodeFrame(loadFixture('ali-ons-send-message-v2'));
    expect(cmd).toMatchObject({
      code: RequestCode.SEND_MESSAGE_V2,
      language: 'JAVA',
      version: 121,
      opaque: 7,
      flag: 0,
      serializeType: SerializeType.JSON,
    });
    expect(cmd.extFields).toEqual({
      a: 'PID_ORDERS',
      b: 'TopicTest',
      c: 'TBW102',
      d: '4',
      e: '2',
      f: '0',
      g: '1700000000000',
      h: '0',
      i: 'TAGS\u0001TagA\u0002KEYS\u0001order-1001\u0002WAIT\u0001true\u0002',
      j: '0',
      k: 'false',
    });
    expect(cmd.body?.toString()).toBe('Hello RocketMQ');
  });

  it('writes JSON responses that ali-ons decodes', () => {
    const request = decodeFrame(loadFixture('ali-ons-get-routeinfo'));
    const response = createResponse(request, 17, {
      remark: 'No topic route info in name server for the topic: TopicTest',
      extFields: { queueOffset: '12' },
      body: Buffer.from('{"x":1}'),
    });
    const bytes = encodeFrame(response);
    const decoded = AliRemotingCommand.decode(bytes);
    expect(decoded.code).toBe(17);
    expect(decoded.opaque).toBe(9);
    expect(decoded.isResponseType).toBe(true);
    expect(decoded.remark).toBe('No topic route info in name server for the topic: TopicTest');
    expect(decoded.decodeCommandCustomHeader()).toEqual({ queueOffset: '12' });
    expect(decoded.body.toString()).toBe('{"x":1}');
  });

  it('answers in the serialization the request used', () => {
    const binary = createRequest(RequestCode.HEART_BEAT, { serializeType: SerializeType.ROCKETMQ });
    const response = decodeFrame(encodeFrame(createResponse(binary, 0)));
    expect(response.serializeType).toBe(SerializeType.ROCKETMQ);
    expect(isResponse(response)).toBe(true);
    expect(response.opaque).toBe(binary.opaque);
  });

  it('round-trips flags, remark and body in both serializations', () => {
    for (const serializeType of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
      const cmd = createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, {
        serializeType,
        oneway: true,
        remark: 'héllo',
        extFields: { consumerGroup: 'g', commitOffset: '9007199254740991' },
        body: Buffer.from([0, 1, 2, 255]),
      });
      const decoded = decodeFrame(encodeFrame(cmd));
      expect(decoded).toEqual(cmd);
      expect(isOneway(decoded)).toBe(true);
      expect(decoded.flag & CommandFlag.RESPONSE).toBe(0);
    }
  });

  it('maps language names and bytes both ways', () => {
    const cmd = command({ language: 'GO' });
    const bytes = encodeRocketMQHeader(cmd);
    expect(bytes[2]).toBe(LanguageCode.GO);
    expect(decodeRocketMQHeader(bytes).language).toBe('GO');
  });

  it.each([
    ['an unknown serialization type', hex('00000008 07000000 00000000')],
    ['a header length beyond the frame', hex('00000008 000000ff 7b7d0000')],
    ['a JSON header that does not parse', hex('00000007 00000003 7b2c7d')],
    ['a JSON header that is not an object', hex('00000006 00000002 3132')],
    ['a JSON header without a code', hex('00000006 00000002 7b7d')],
    ['a binary header cut short', hex('0000000a 01000006 006900000000')],
    [
      'a binary remark longer than the header',
      hex('00000019 01000015 0069 00 0191 00000001 00000000 000000ff 00000000'),
    ],
  ])('rejects %s with a FrameError', (_why, bytes) => {
    expect(() => decodeFrame(bytes)).toThrow(FrameError);
  });
});
