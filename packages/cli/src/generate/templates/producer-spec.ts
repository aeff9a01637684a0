import type { ServiceNames } from '../names';

/** `<name>.producer.spec.ts`: the producer's sends, recorded instead of reaching a broker. */
export function producerSpecTemplate(n: ServiceNames): string {
  return `import { Test } from '@nestjs/testing';
import type { Message, Producer, SendResult } from '@rocketnest/client';
import { getProducerToken } from '@rocketnest/nestjs';
import { ${n.constant}_TOPIC, type ${n.pascal}Message } from './${n.kebab}.messages';
import { ${n.pascal}Producer } from './${n.kebab}.producer';

/** Stands in for the RocketMQ producer: keeps what would have been sent. */
class RecordingProducer implements Pick<Producer, 'send'> {
  readonly sent: Message[] = [];

  async send(message: Message): Promise<SendResult> {
    this.sent.push(message);
    return {
      status: 'SEND_OK',
      msgId: \`msg-\${this.sent.length}\`,
      offsetMsgId: '',
      queue: { topic: message.topic, brokerName: 'broker-a', queueId: 0 },
      queueOffset: this.sent.length - 1,
    };
  }
}

describe('${n.pascal}Producer', () => {
  let producer: ${n.pascal}Producer;
  let recording: RecordingProducer;

  beforeEach(async () => {
    recording = new RecordingProducer();
    const moduleRef = await Test.createTestingModule({
      providers: [${n.pascal}Producer, { provide: getProducerToken(), useValue: recording }],
    }).compile();
    producer = moduleRef.get(${n.pascal}Producer);
  });

  const message = (id: string, type: string): ${n.pascal}Message => ({
    id,
    type,
    occurredAt: '2030-01-01T00:00:00.000Z',
  });

  it('sends the messages of one id with that id as sharding key, so they stay in order', async () => {
    await producer.publish(message('a-1', 'created'));
    await producer.publish(message('a-1', 'updated'));

    expect(recording.sent).toEqual([
      expect.objectContaining({
        topic: ${n.constant}_TOPIC,
        shardingKey: 'a-1',
        keys: ['a-1'],
        tags: 'created',
      }),
      expect.objectContaining({
        topic: ${n.constant}_TOPIC,
        shardingKey: 'a-1',
        keys: ['a-1'],
        tags: 'updated',
      }),
    ]);
    expect(JSON.parse(String(recording.sent[1]!.body))).toEqual(message('a-1', 'updated'));
  });

  it('sends a delayed message with the given delay level, 30 s (level 4) by default', async () => {
    await producer.publishDelayed(message('a-2', 'reminder'));
    await producer.publishDelayed(message('a-3', 'reminder'), 2);

    expect(recording.sent.map((m) => [m.keys, m.delayLevel])).toEqual([
      [['a-2'], 4],
      [['a-3'], 2],
    ]);
  });
});
`;
}
