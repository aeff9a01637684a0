import type { ConsumedMessage } from '@rocketnest/client';

/** `RocketMQServer` status, pushed to `server.status` (`app.status` for standalone microservices). */
export type RocketMQStatus = 'connecting' | 'connected' | 'draining' | 'disconnected';

/** Events of `RocketMQServer.on()`. */
export type RocketMQServerEvents = {
  /** A message was sent to its group's DLQ by the transport (a `RocketMQDeadLetterException`). */
  'dead-letter': (message: ConsumedMessage, group: string, reason: string) => void;
  /** A handler failed; the message will be redelivered (or dead-lettered). */
  'handler-error': (message: ConsumedMessage, group: string, error: unknown) => void;
};
