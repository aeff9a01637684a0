import { IllegalMessageError, MessageDecodeError } from '../errors';
import { decodeProperties, encodeProperties, type MessageProperties } from './properties';
import { MAX_PROPERTIES_LENGTH } from './stored-message';

/** One message of a SEND_BATCH_MESSAGE body: topic and queue come from the request header. */
export interface BatchItem {
  flag: number;
  body: Buffer;
  properties: MessageProperties;
}

const ITEM_FIXED = 4 + 4 + 4 + 4 + 4 + 2;

/** MessageDecoder.encodeMessages: TOTALSIZE, MAGIC 0, BODYCRC 0, FLAG, BODY, PROPERTIES per item. */
export function encodeBatch(items: readonly BatchItem[]): Buffer {
  const parts: Buffer[] = [];
  for (const item of items) {
    const props = Buffer.from(encodeProperties(item.properties), 'utf8');
    if (props.length > MAX_PROPERTIES_LENGTH) {
      throw new IllegalMessageError(`batch item properties of ${props.length} bytes are too long`);
    }
    const size = ITEM_FIXED + item.body.length + props.length;
    const buf = Buffer.allocUnsafe(size);
    let pos = buf.writeInt32BE(size, 0);
    pos = buf.writeInt32BE(0, pos);
    pos = buf.writeInt32BE(0, pos);
    pos = buf.writeInt32BE(item.flag, pos);
    pos = buf.writeInt32BE(item.body.length, pos);
    pos += item.body.copy(buf, pos);
    pos = buf.writeInt16BE(props.length, pos);
    props.copy(buf, pos);
    parts.push(buf);
  }
  return Buffer.concat(parts);
}

export function decodeBatch(buf: Buffer): BatchItem[] {
  const items: BatchItem[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const remaining = buf.length - pos;
    if (remaining < ITEM_FIXED) throw new MessageDecodeError(`batch item at ${pos} is truncated`);
    const size = buf.readInt32BE(pos);
    if (size < ITEM_FIXED || size > remaining) {
      throw new MessageDecodeError(`batch item at ${pos} has illegal size ${size}`);
    }
    const flag = buf.readInt32BE(pos + 12);
    const bodyLen = buf.readInt32BE(pos + 16);
    if (bodyLen < 0 || 20 + bodyLen + 2 > size) {
      throw new MessageDecodeError(`batch item at ${pos} has illegal body length ${bodyLen}`);
    }
    const body = buf.subarray(pos + 20, pos + 20 + bodyLen);
    const propsLen = buf.readInt16BE(pos + 20 + bodyLen);
    if (propsLen < 0 || 22 + bodyLen + propsLen !== size) {
      throw new MessageDecodeError(
        `batch item at ${pos} has illegal properties length ${propsLen}`,
      );
    }
    const propsStart = pos + 22 + bodyLen;
    const properties = decodeProperties(buf.toString('utf8', propsStart, propsStart + propsLen));
    items.push({ flag, body, properties });
    pos += size;
  }
  return items;
}
