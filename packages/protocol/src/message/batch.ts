import { IllegalMessageError, MessageDecodeError } from '../errors';
import {
  asciiPropertiesLength,
  decodeProperties,
  encodeProperties,
  putAsciiProperties,
  type MessageProperties,
} from './properties';
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
  // Properties are nearly always ASCII: those are measured here and written straight into the
  // body; others are encoded to UTF-8 first. No string or buffer per item on the common path.
  const lengths = new Array<number>(items.length);
  let encoded: (Buffer | undefined)[] | undefined;
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    const properties = items[i]!.properties;
    let length = asciiPropertiesLength(properties);
    if (length < 0) {
      const bytes = Buffer.from(encodeProperties(properties), 'utf8');
      (encoded ??= new Array<Buffer | undefined>(items.length))[i] = bytes;
      length = bytes.length;
    }
    if (length > MAX_PROPERTIES_LENGTH) {
      throw new IllegalMessageError(`batch item properties of ${length} bytes are too long`);
    }
    lengths[i] = length;
    total += ITEM_FIXED + items[i]!.body.length + length;
  }
  // One buffer for the whole body: each message's bytes are copied once.
  const buf = Buffer.allocUnsafe(total);
  let pos = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const length = lengths[i]!;
    pos = buf.writeInt32BE(ITEM_FIXED + item.body.length + length, pos);
    pos = buf.writeInt32BE(0, pos);
    pos = buf.writeInt32BE(0, pos);
    pos = buf.writeInt32BE(item.flag, pos);
    pos = buf.writeInt32BE(item.body.length, pos);
    pos += item.body.copy(buf, pos);
    pos = buf.writeInt16BE(length, pos);
    const bytes = encoded?.[i];
    if (bytes) bytes.copy(buf, pos);
    else putAsciiProperties(buf, item.properties, pos);
    pos += length;
  }
  return buf;
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
