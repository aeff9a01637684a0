import type { ServiceNames } from '../names';

/** `<name>.consumer.ts`: an event handler, an orderly handler and an idempotent handler. */
export function consumerTemplate(n: ServiceNames): string {
  return `import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Idempotent, RocketMQContext, RocketMQDeadLetterException } from '@rocketnest/nestjs';
import {
  ${n.constant}_TOPIC,
  ${n.pascal}Groups,
  type ${n.pascal}Message,
} from './${n.kebab}.messages';

/**
 * The handlers of ${n.constant}_TOPIC; each has its own consumer group, so each gets every message.
 * Returning acknowledges a message; throwing redelivers it later (with growing delay, then to
 * the group's dead-letter queue %DLQ%<group>); RocketMQDeadLetterException skips the retries.
 */
@Controller()
export class ${n.pascal}Consumer {
  private readonly logger = new Logger(${n.pascal}Consumer.name);

  /** Concurrent: messages are handled in parallel, in no particular order. */
  @EventPattern(${n.constant}_TOPIC, { group: ${n.pascal}Groups.events })
  onEvent(@Payload() message: ${n.pascal}Message, @Ctx() ctx: RocketMQContext): void {
    checkMessage(message);
    this.logger.log(
      \`\${message.type} \${message.id} (msgId \${ctx.getMsgId()}, delivery \${ctx.getReconsumeTimes() + 1})\`,
    );
  }

  /** Orderly: one message at a time per queue, so the messages of one id arrive in sending order. */
  @EventPattern(${n.constant}_TOPIC, { group: ${n.pascal}Groups.orderly, orderly: true })
  onOrderedEvent(@Payload() message: ${n.pascal}Message): void {
    checkMessage(message);
    this.logger.log(\`in order: \${message.id} \${message.type}\`);
  }

  /**
   * Idempotent: runs once per id and type even when the message arrives twice (a redelivery, a
   * producer retry). Side effects that must not repeat belong here.
   */
  @EventPattern(${n.constant}_TOPIC, { group: ${n.pascal}Groups.idempotent })
  @Idempotent<${n.pascal}Message>({ key: (message) => \`\${message.id}:\${message.type}\` })
  onEventOnce(@Payload() message: ${n.pascal}Message): void {
    checkMessage(message);
    this.logger.log(\`once: \${message.id} \${message.type}\`);
  }
}

/** A message that can never succeed goes to the dead-letter queue at once, not after 16 retries. */
function checkMessage(message: ${n.pascal}Message): void {
  if (typeof message?.id !== 'string' || message.id === '' || typeof message.type !== 'string') {
    throw new RocketMQDeadLetterException(\`not a ${n.kebab} message: \${JSON.stringify(message)}\`);
  }
}
`;
}
