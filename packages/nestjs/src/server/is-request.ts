import type { ConsumedMessage } from '@rocketnest/client';
import { MessageProperty } from '../constants';

/** A request-reply call (Producer.request / ClientRocketMQ.send): it carries a reply address. */
export function isRequest(message: ConsumedMessage): boolean {
  const p = message.properties;
  return Boolean(p[MessageProperty.CORRELATION_ID] && p[MessageProperty.REPLY_TO_CLIENT]);
}
