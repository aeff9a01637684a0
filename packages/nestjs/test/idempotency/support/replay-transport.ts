import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BaseRpcContext, Server, type CustomTransportStrategy } from '@nestjs/microservices';
import type { ConsumedMessage } from '@rocketnest/client';
import { lastValueFrom, toArray } from 'rxjs';
import { IdempotencyKeyInProgressError } from '../../../src/idempotency';

/** The context a push consumer hands a handler: the message and the consumer group. */
export class ReplayContext extends BaseRpcContext<[ConsumedMessage, string]> {
  getMessage(): ConsumedMessage {
    return this.args[0];
  }

  getConsumerGroup(): string {
    return this.args[1];
  }
}

/**
 * A test-only transport that delivers messages to the app's handlers directly, as a push consumer
 * would: it awaits the handler (acknowledge) or its error (send back for a retry).
 */
export class ReplayTransport extends Server implements CustomTransportStrategy {
  listen(callback: () => void): void {
    callback();
  }

  close(): void {}

  on(): never {
    throw new Error('ReplayTransport has no status events');
  }

  unwrap<T>(): T {
    throw new Error('ReplayTransport wraps no client');
  }

  async deliver(
    pattern: string,
    message: ConsumedMessage,
    group = 'test-group',
  ): Promise<unknown[]> {
    const handler = this.getHandlerByPattern(pattern);
    if (!handler) throw new Error(`no handler for ${pattern}`);
    const payload: unknown = JSON.parse(message.body.toString());
    const context = new ReplayContext([message, group]);
    return lastValueFrom(
      this.transformToObservable(await handler(payload, context)).pipe(toArray()),
    );
  }

  /** Redelivers while the key is in progress elsewhere, like the broker's retry topic. */
  async deliverUntilAcknowledged(pattern: string, message: ConsumedMessage): Promise<unknown[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deliver(pattern, message);
      } catch (error) {
        if (!(error instanceof IdempotencyKeyInProgressError) || attempt === 500) throw error;
        await sleep(20);
      }
    }
  }
}

/** A consumed message with a fresh msgId, as a producer's retried send would produce. */
export function consumedMessage(
  payload: unknown,
  keys: string[] = [],
  topic = 'orders',
): ConsumedMessage {
  const msgId = randomUUID().replace(/-/g, '').toUpperCase();
  return {
    msgId,
    offsetMsgId: msgId,
    topic,
    keys,
    properties: keys.length > 0 ? { KEYS: keys.join(' ') } : {},
    body: Buffer.from(JSON.stringify(payload)),
    queueId: 0,
    queueOffset: 0,
    brokerName: 'broker-a',
    reconsumeTimes: 0,
    bornTimestamp: Date.now(),
    storeTimestamp: Date.now(),
    commitLogOffset: 0,
    pulledFrom: topic,
  };
}
