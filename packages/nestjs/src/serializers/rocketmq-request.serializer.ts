import type { OutgoingEvent, OutgoingRequest, ProducerSerializer } from '@nestjs/microservices';
import type { Message } from '@rocketnest/client';
import { RocketMQRecord } from '../client/rocketmq-record.builder';
import { encodeBody } from './body';

/** Client side: the data as JSON; a `RocketMQRecord` adds its keys, tags, delay, ordering key... */
export class RocketMQRequestSerializer implements ProducerSerializer {
  serialize(packet: OutgoingEvent | OutgoingRequest): Omit<Message, 'topic'> {
    const data: unknown = packet.data;
    if (data instanceof RocketMQRecord) return { ...data.options, body: encodeBody(data.data) };
    return { body: encodeBody(data) };
  }
}
