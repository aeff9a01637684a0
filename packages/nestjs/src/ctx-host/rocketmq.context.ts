import { BaseRpcContext } from '@nestjs/microservices';
import type { ConsumedMessage, MessageQueue, Producer, PushConsumer } from '@rocketnest/client';

type RocketMQContextArgs = [
  message: ConsumedMessage,
  group: string,
  consumer: PushConsumer,
  producer: Producer,
];

/** What `@Ctx()` gives RocketMQ handlers: the consumed message and the clients behind it. */
export class RocketMQContext extends BaseRpcContext<RocketMQContextArgs> {
  constructor(args: RocketMQContextArgs) {
    super(args);
  }

  /** The message as the client consumed it (body, properties, queue, offsets...). */
  getMessage(): ConsumedMessage {
    return this.args[0];
  }

  /** The message id (UNIQ_KEY): the same on every redelivery. */
  getMsgId(): string {
    return this.args[0].msgId;
  }

  /** The real topic, also for redeliveries through `%RETRY%<group>`. */
  getTopic(): string {
    return this.args[0].topic;
  }

  getTags(): string | undefined {
    return this.args[0].tags;
  }

  getKeys(): string[] {
    return this.args[0].keys;
  }

  getProperties(): Record<string, string> {
    return this.args[0].properties;
  }

  /** The queue the message was pulled from (`%RETRY%<group>` for redeliveries). */
  getQueue(): MessageQueue {
    const m = this.args[0];
    return { topic: m.pulledFrom, brokerName: m.brokerName, queueId: m.queueId };
  }

  getQueueOffset(): number {
    return this.args[0].queueOffset;
  }

  /** 0 on the first delivery. */
  getReconsumeTimes(): number {
    return this.args[0].reconsumeTimes;
  }

  getBornTimestamp(): number {
    return this.args[0].bornTimestamp;
  }

  getConsumerGroup(): string {
    return this.args[1];
  }

  getConsumer(): PushConsumer {
    return this.args[2];
  }

  /** The server's producer (replies, dead letters); usable to publish follow-up messages. */
  getProducer(): Producer {
    return this.args[3];
  }
}
