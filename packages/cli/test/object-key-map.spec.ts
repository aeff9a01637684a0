import { decodeObjectKeyMap } from '../src/object-key-map';

describe('decodeObjectKeyMap (fastjson maps keyed by objects)', () => {
  it('reads object keys and values, in order, with spaces and braces inside strings', () => {
    const body =
      '{"consumeTps":0.5,"offsetTable":{{"brokerName":"b{1}","queueId":0,"topic":"t:x"}:{"brokerOffset":3,"consumerOffset":1},' +
      ' {"brokerName":"b\\"q","queueId":1,"topic":"t"} : {"brokerOffset":5,"note":"}"}}}';
    expect(decodeObjectKeyMap(body, 'offsetTable')).toEqual([
      [
        { brokerName: 'b{1}', queueId: 0, topic: 't:x' },
        { brokerOffset: 3, consumerOffset: 1 },
      ],
      [
        { brokerName: 'b"q', queueId: 1, topic: 't' },
        { brokerOffset: 5, note: '}' },
      ],
    ]);
  });

  it('returns nothing for an empty or absent table', () => {
    expect(decodeObjectKeyMap('{"offsetTable":{}}', 'offsetTable')).toEqual([]);
    expect(decodeObjectKeyMap('{"consumeTps":0}', 'offsetTable')).toEqual([]);
  });

  it('rejects a truncated body', () => {
    expect(() =>
      decodeObjectKeyMap('{"offsetTable":{{"queueId":0}:{"a":1}', 'offsetTable'),
    ).toThrow(SyntaxError);
  });
});
