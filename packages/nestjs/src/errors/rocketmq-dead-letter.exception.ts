import { RpcException } from '@nestjs/microservices';

/**
 * Thrown by a handler for a message that can never succeed (invalid payload, unknown entity):
 * the message goes straight to the group's DLQ (`%DLQ%<group>`) instead of being retried.
 */
export class RocketMQDeadLetterException extends RpcException {
  constructor(reason: string) {
    super(reason);
  }

  /** Itself, so Nest's RPC exception filter hands this instance on to the transport. */
  override getError(): RocketMQDeadLetterException {
    return this;
  }
}
