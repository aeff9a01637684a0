import type { ConsumedMessage } from '@rocketnest/client';

/**
 * What the interceptor needs from a transport's RPC context (RocketMQContext provides it). Kept
 * structural so any context exposing the consumed message works.
 */
export interface IdempotencyMessageContext {
  getMessage(): Pick<ConsumedMessage, 'msgId' | 'topic' | 'keys'>;
  getConsumerGroup?(): string;
}

export function isIdempotencyMessageContext(value: unknown): value is IdempotencyMessageContext {
  return (
    typeof (value as Partial<IdempotencyMessageContext> | undefined)?.getMessage === 'function'
  );
}
