import type { ProducerDeserializer, ProducerSerializer } from '@nestjs/microservices';
import type { ProducerOptions } from '@rocketnest/client';

/** Options of `ClientRocketMQ` (the `options` of a `ClientsModule.register` entry). */
export interface ClientRocketMQOptions extends ProducerOptions {
  /** How long `send()` waits for the reply (ms). Default 5000. */
  requestTimeoutMs?: number;
  /** Turns `{ pattern, data }` into a message. Default `RocketMQRequestSerializer` (JSON). */
  serializer?: ProducerSerializer;
  /** Turns a reply message into `{ response | err }`. Default `RocketMQResponseDeserializer`. */
  deserializer?: ProducerDeserializer;
}
