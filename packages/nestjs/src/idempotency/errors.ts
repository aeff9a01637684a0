import { RpcException } from '@nestjs/microservices';
import { RocketMQDeadLetterException } from '../errors/rocketmq-dead-letter.exception';

/**
 * Base class of the idempotency errors, except the two the transport must see as RPC exceptions
 * (IdempotencyKeyMissingError, IdempotencyKeyInProgressError).
 */
export class IdempotencyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad configuration: an invalid table name or key prefix, a missing optional package, ... */
export class IdempotencyConfigError extends IdempotencyError {}

/**
 * The message has no business key and no fallback was allowed. Retrying cannot add one, so it
 * goes straight to the dead-letter queue.
 */
export class IdempotencyKeyMissingError extends RocketMQDeadLetterException {
  constructor(reason: string) {
    super(reason);
    this.name = 'IdempotencyKeyMissingError';
  }
}

/**
 * Another consumer holds the key and its lease has not expired. Retriable: the transport sends
 * the message back and it is redelivered later, after the holder finished. An RpcException
 * whose getError() is itself, so Nest's RPC filter hands it on unchanged instead of logging it
 * as an internal error.
 */
export class IdempotencyKeyInProgressError extends RpcException {
  constructor(
    readonly scope: string,
    readonly key: string,
  ) {
    super(`idempotency key "${key}" (scope "${scope}") is in progress in another consumer`);
    this.name = 'IdempotencyKeyInProgressError';
  }

  override getError(): IdempotencyKeyInProgressError {
    return this;
  }
}

/**
 * Marking a key done found that this consumer no longer holds it: its lease expired and another
 * consumer took the key over. In a transaction the handler's writes are rolled back.
 */
export class IdempotencyLeaseLostError extends IdempotencyError {
  constructor(
    readonly scope: string,
    readonly key: string,
  ) {
    super(
      `idempotency key "${key}" (scope "${scope}") was taken over by another consumer after its lease expired; raise leaseMs above the handler's duration`,
    );
  }
}
