import type { ServiceNames } from '../names';

/** `<name>.messages.ts`: the topic, its consumer groups and the message body, shared by both sides. */
export function messagesTemplate(n: ServiceNames): string {
  return `/** The topic ${n.pascal}Producer sends to and ${n.pascal}Consumer handles. */
export const ${n.constant}_TOPIC = '${n.topic}';

/**
 * One consumer group per handler: RocketMQ keeps one subscription and one consume mode
 * (concurrent or orderly) per group, and every group gets every message of the topic.
 */
export const ${n.pascal}Groups = {
  events: '${n.group}',
  orderly: '${n.group}-orderly',
  idempotent: '${n.group}-idempotent',
} as const;

/** The producer group of ${n.pascal}Producer (how brokers and admin tools name the sender). */
export const ${n.constant}_PRODUCER_GROUP = '${n.kebab}-producer';

/** The body of every message on ${n.constant}_TOPIC, sent as JSON. */
export interface ${n.pascal}Message {
  /** Business id: the sharding key (one id, one queue, in order) and the message key. */
  id: string;
  /** What happened (\`created\`, \`updated\`, ...): the message tag, which consumers can filter on. */
  type: string;
  /** When it happened (ISO 8601). */
  occurredAt: string;
  data?: Record<string, unknown>;
}
`;
}
