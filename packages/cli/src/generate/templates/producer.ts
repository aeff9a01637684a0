import type { ServiceNames } from '../names';

/** `<name>.producer.ts`: an injectable producer with ordered and delayed sends. */
export function producerTemplate(n: ServiceNames): string {
  return `import { Injectable } from '@nestjs/common';
import type { Producer, SendResult } from '@rocketnest/client';
import { InjectProducer } from '@rocketnest/nestjs';
import { ${n.constant}_TOPIC, type ${n.pascal}Message } from './${n.kebab}.messages';

/** RocketMQ delay levels: 1=1s 2=5s 3=10s 4=30s 5=1m 6=2m ... 16=30m 17=1h 18=2h. */
const DEFAULT_DELAY_LEVEL = 4;

@Injectable()
export class ${n.pascal}Producer {
  constructor(@InjectProducer() private readonly producer: Producer) {}

  /**
   * Ordered sending: the id is the sharding key, so all messages of one id go to one queue and
   * the orderly handler sees them in sending order. The id is also the message key (indexed by
   * the broker: \`rocketnest msg --key <id> --topic ${n.topic}\`).
   */
  publish(message: ${n.pascal}Message): Promise<SendResult> {
    return this.producer.send({
      topic: ${n.constant}_TOPIC,
      tags: message.type,
      keys: [message.id],
      shardingKey: message.id,
      body: JSON.stringify(message),
    });
  }

  /** Delivered after a delay level (reminders, timeouts); \`deliverAt\` takes a time instead. */
  publishDelayed(
    message: ${n.pascal}Message,
    delayLevel = DEFAULT_DELAY_LEVEL,
  ): Promise<SendResult> {
    return this.producer.send({
      topic: ${n.constant}_TOPIC,
      tags: message.type,
      keys: [message.id],
      delayLevel,
      body: JSON.stringify(message),
    });
  }
}
`;
}
