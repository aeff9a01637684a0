import type { ConsumerDeserializer, ConsumerSerializer } from '@nestjs/microservices';
import type { ClientOptions, ProducerOptions, PushConsumerOptions } from '@rocketnest/client';

/** Options of `RocketMQServer`. */
export interface RocketMQServerOptions extends ClientOptions {
  /** Consumer group of handlers that do not name one in their extras. */
  group: string;
  /** Defaults of every push consumer the server creates (a handler's extras override them). */
  consumer?: Omit<PushConsumerOptions, keyof ClientOptions | 'group' | 'messageModel'>;
  /** The producer that sends replies and dead letters. */
  producer?: Omit<ProducerOptions, keyof ClientOptions>;
  /** Concurrent handler calls per consumer group (concurrent handlers). Default 20. */
  concurrency?: number;
  /** Redeliveries before the DLQ, for concurrent and orderly handlers. Default 16. */
  maxReconsumeTimes?: number;
  /** Turns a consumed message into `{ pattern, data }`. Default `RocketMQRequestDeserializer`. */
  deserializer?: ConsumerDeserializer;
  /** Turns a request handler's outcome into the reply. Default `RocketMQResponseSerializer`. */
  serializer?: ConsumerSerializer;
}

/** Per-handler options: the third argument of `@EventPattern` / `@MessagePattern` (or the second). */
export interface RocketMQHandlerExtras {
  /** Tag expression: `'*'` (default), `'paid'`, `'paid || shipped'`. */
  tag?: string;
  /** Consumer group. Default: the server's `group`. */
  group?: string;
  /** Consume each queue in order (one message at a time per queue, broker lock). */
  orderly?: boolean;
  /** Every instance receives every message (offsets kept locally, no retry, no DLQ). */
  broadcasting?: boolean;
  /** Concurrent handler calls of the group. Default: the server's `concurrency`. */
  concurrency?: number;
  /** Redeliveries before the DLQ. Default: the server's `maxReconsumeTimes`. */
  maxReconsumeTimes?: number;
}
