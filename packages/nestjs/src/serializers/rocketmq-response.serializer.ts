import type { ConsumerSerializer, OutgoingResponse } from '@nestjs/microservices';
import { NEST_ERR_PROPERTY } from '../constants';
import { encodeBody } from './body';

/** A reply to send: its body and extra properties. */
export interface RocketMQReply {
  body: Buffer | string;
  properties?: Record<string, string>;
}

/** Server side: the handler's result as JSON, or its error as JSON flagged with `NEST_ERR`. */
export class RocketMQResponseSerializer implements ConsumerSerializer {
  serialize(packet: OutgoingResponse): RocketMQReply {
    if (packet.err !== undefined && packet.err !== null) {
      return {
        body: encodeBody(errorPayload(packet.err)),
        properties: { [NEST_ERR_PROPERTY]: '1' },
      };
    }
    return { body: encodeBody(packet.response) };
  }
}

/** Errors do not survive JSON.stringify (their fields are not enumerable). */
function errorPayload(err: unknown): unknown {
  if (err instanceof Error) return { status: 'error', name: err.name, message: err.message };
  return err;
}
