import type { ConsumerDeserializer, IncomingEvent, IncomingRequest } from '@nestjs/microservices';
import type { ConsumedMessage } from '@rocketnest/client';
import { MessageProperty } from '../constants';
import { decodeBody } from './body';

/** Server side: the topic is the pattern, the body (JSON) the data. */
export class RocketMQRequestDeserializer implements ConsumerDeserializer {
  deserialize(message: ConsumedMessage): IncomingRequest | IncomingEvent {
    const data = decodeBody(message.body);
    const id = message.properties[MessageProperty.CORRELATION_ID];
    return id ? { id, pattern: message.topic, data } : { pattern: message.topic, data };
  }
}
