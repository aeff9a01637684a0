import { dlqTopicOf, type Admin, type ConsumedMessage, type Producer } from '@rocketnest/client';
import { MessageProperty } from '../constants';

/** Scheduling properties of the original: the dead letter must be stored at once. */
const SCHEDULING_PROPERTIES = [
  'DELAY',
  'TIMER_DELIVER_MS',
  'TIMER_DELAY_SEC',
  'TIMER_DELAY_MS',
  '__STARTDELIVERTIME',
];

/**
 * Sends a message to its group's DLQ (`%DLQ%<group>`) right away. The push consumer only
 * dead-letters after `maxReconsumeTimes`; a non-retriable failure goes through here instead,
 * with the properties the broker's own DLQ path keeps (same msgId, RETRY_TOPIC = real topic).
 */
export class DeadLetterQueue {
  private readonly topics = new Map<string, Promise<void>>();

  constructor(
    private readonly producer: Producer,
    private readonly admin: Admin,
  ) {}

  async send(message: ConsumedMessage, group: string, reason: string): Promise<void> {
    const topic = dlqTopicOf(group);
    await this.ensureTopic(topic);
    const properties = { ...message.properties };
    for (const p of SCHEDULING_PROPERTIES) delete properties[p];
    properties[MessageProperty.RETRY_TOPIC] = message.topic;
    properties[MessageProperty.ORIGIN_MESSAGE_ID] = message.msgId;
    properties.DEAD_LETTER_REASON = reason.slice(0, 512);
    await this.producer.send({ topic, body: message.body, properties });
  }

  /** The broker creates a DLQ topic only on its own DLQ path; a producer needs it to exist. */
  private ensureTopic(topic: string): Promise<void> {
    let ensured = this.topics.get(topic);
    if (!ensured) {
      ensured = this.admin.createTopic(topic, { queueNums: 1 });
      ensured.catch(() => this.topics.delete(topic));
      this.topics.set(topic, ensured);
    }
    return ensured;
  }
}
