import type { IncomingResponse, ProducerDeserializer } from '@nestjs/microservices';
import type { ConsumedMessage } from '@rocketnest/client';
import { MessageProperty, NEST_ERR_PROPERTY } from '../constants';
import { decodeBody } from './body';

/** Client side: a reply is the whole response (RocketMQ sends exactly one reply per request). */
export class RocketMQResponseDeserializer implements ProducerDeserializer {
  deserialize(reply: ConsumedMessage): IncomingResponse {
    const id = reply.properties[MessageProperty.CORRELATION_ID] ?? '';
    const payload = decodeBody(reply.body);
    if (reply.properties[NEST_ERR_PROPERTY]) return { id, err: payload, isDisposed: true };
    return { id, response: payload, isDisposed: true };
  }
}
