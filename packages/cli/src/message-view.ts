import type { ConsumedMessage } from '@rocketnest/client';
import { printFields, printJson } from './output';

/** A message as the CLI prints it in JSON: what `send` took, plus where it is stored. */
export interface MessageView {
  topic: string;
  msgId: string;
  offsetMsgId: string;
  brokerName: string;
  queueId: number;
  queueOffset: number;
  tags?: string;
  keys: string[];
  properties: Record<string, string>;
  body: string;
  /** Set when the body is not UTF-8 text: `body` is then base64. */
  bodyEncoding?: 'base64';
  bornTimestamp: number;
  storeTimestamp: number;
  reconsumeTimes: number;
}

export function messageView(msg: ConsumedMessage): MessageView {
  const text = msg.body.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(msg.body);
  return {
    topic: msg.topic,
    msgId: msg.msgId,
    offsetMsgId: msg.offsetMsgId,
    brokerName: msg.brokerName,
    queueId: msg.queueId,
    queueOffset: msg.queueOffset,
    tags: msg.tags,
    keys: msg.keys,
    properties: msg.properties,
    body: isText ? text : msg.body.toString('base64'),
    ...(isText ? {} : { bodyEncoding: 'base64' as const }),
    bornTimestamp: msg.bornTimestamp,
    storeTimestamp: msg.storeTimestamp,
    reconsumeTimes: msg.reconsumeTimes,
  };
}

/** One line per message, for tailing: position, id, tags, keys, then the body. */
export function messageLine(msg: ConsumedMessage): string {
  const view = messageView(msg);
  const tags = view.tags ? ` tags=${view.tags}` : '';
  const keys = view.keys.length > 0 ? ` keys=${view.keys.join(',')}` : '';
  // One message, one line: line breaks inside the body are shown escaped.
  const body = view.body.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  return `${view.brokerName}:${view.queueId}@${view.queueOffset} ${view.msgId}${tags}${keys} ${body}`;
}

/** Every detail of one message, for `msg`. */
export function printMessage(msg: ConsumedMessage, json: boolean): void {
  const view = messageView(msg);
  if (json) return printJson(view);
  const props = Object.entries(view.properties)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  printFields([
    ['topic', view.topic],
    ['msgId', view.msgId],
    ['offsetMsgId', view.offsetMsgId],
    ['queue', `${view.brokerName}:${view.queueId}`],
    ['queueOffset', view.queueOffset],
    ['tags', view.tags],
    ['keys', view.keys.length > 0 ? view.keys.join(',') : undefined],
    ['properties', props],
    ['bornTime', new Date(view.bornTimestamp).toISOString()],
    ['storeTime', new Date(view.storeTimestamp).toISOString()],
    ['reconsumeTimes', view.reconsumeTimes],
    ['body', view.bodyEncoding ? `(base64) ${view.body}` : view.body],
  ]);
}
