import type { IdempotencyMessageContext } from './message-context';

export interface IdempotentOptions<P = unknown> {
  /**
   * The business key. Default: the message's first key (RocketMQ `keys`). Never the msgId by
   * default: a producer that retries a send creates a new msgId for the same business event.
   */
  key?(payload: P, context: IdempotencyMessageContext): string | undefined;
  /** Use the msgId when there is no key (default false: a missing key is an error). */
  fallbackToMsgId?: boolean;
  /** Name of the store registered in IdempotencyModule (default `default`). */
  store?: string;
  /** Keys are unique per scope. Default: `<consumer group>:<Controller>.<method>`. */
  scope?: string;
  /** How long a consumer holds a key before another may take it over (module default, 60 s). */
  leaseMs?: number;
  /**
   * Run the handler inside a database transaction that also marks the key done (SQL stores);
   * get it with IdempotencyTransaction.current().
   */
  transactional?: boolean;
}

export const IDEMPOTENT_OPTIONS = 'rocketnest:idempotent';
