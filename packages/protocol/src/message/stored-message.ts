import { crc32, inflateSync } from 'node:zlib';
import { IllegalMessageError, MessageDecodeError } from '../errors';
import { MessageSysFlag } from '../codes/flags';
import { readInt64BE } from './int64';
import { offsetMessageIdAt } from './message-id';
import {
  asciiPropertiesLength,
  decodeProperties,
  encodeProperties,
  putAsciiProperties,
  type MessageProperties,
} from './properties';
import { addressBytes, formatAddress, type SocketAddress } from './socket-address';

/** Magic codes of CommitLog records (MessageDecoder / CommitLog). */
export const MessageMagic = {
  /** Topic length in one byte. */
  V1: 0xdaa320a7 | 0,
  /** Topic length in two bytes (topics longer than 127 bytes). */
  V2: 0xdaa320ab | 0,
  /** Fills the end of a CommitLog segment that the next record did not fit in. */
  BLANK: 0xcbd43194 | 0,
} as const;

/** Byte offsets of the fixed fields (IPv4 and IPv6 alike up to the born host). */
export const RecordOffset = {
  TOTAL_SIZE: 0,
  MAGIC: 4,
  BODY_CRC: 8,
  QUEUE_ID: 12,
  FLAG: 16,
  QUEUE_OFFSET: 20,
  PHYSICAL_OFFSET: 28,
  SYS_FLAG: 36,
  BORN_TIMESTAMP: 40,
  BORN_HOST: 48,
} as const;

export const MAX_PROPERTIES_LENGTH = 32767;
export const MAX_TOPIC_LENGTH = 32767;

/** What a stored record holds, before the store assigns offsets and store time. */
export interface MessageRecord {
  topic: string;
  /** The body as stored: compressed when `sysFlag` has COMPRESSED. */
  body: Buffer;
  properties: MessageProperties;
  flag: number;
  queueId: number;
  queueOffset: number;
  commitLogOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: SocketAddress;
  storeTimestamp: number;
  storeHost: SocketAddress;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
}

const LOOPBACK: SocketAddress = { address: '127.0.0.1', port: 0 };

/**
 * A record with defaults for everything but topic and body: zero offsets, flags and times, and
 * loopback hosts. For tools and tests; a store assigns the offsets and times itself.
 */
export function messageRecord(
  fields: Pick<MessageRecord, 'topic' | 'body'> & Partial<MessageRecord>,
): MessageRecord {
  return {
    properties: {},
    flag: 0,
    queueId: 0,
    queueOffset: 0,
    commitLogOffset: 0,
    sysFlag: 0,
    bornTimestamp: 0,
    bornHost: LOOPBACK,
    storeTimestamp: 0,
    storeHost: LOOPBACK,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    ...fields,
  };
}

/** A decoded record, RocketMQ's MessageExt. */
export interface MessageExt extends MessageRecord {
  /** The offset message id: store host + commit-log offset. */
  msgId: string;
  bodyCRC: number;
  storeSize: number;
}

export function bodyCrc(body: Buffer): number {
  return crc32(body) & 0x7fffffff;
}

function hostLength(sysFlag: number, bit: number): number {
  return sysFlag & bit ? 20 : 8;
}

/** Byte offset of STORETIMESTAMP for a record with this sysFlag. */
export function storeTimestampOffset(sysFlag: number): number {
  return RecordOffset.BORN_HOST + hostLength(sysFlag, MessageSysFlag.BORNHOST_V6);
}

const topicCache = new Map<string, Buffer>();

/** Topic names repeat: their bytes are cached (callers never modify them). */
function topicBytes(topic: string): Buffer {
  let bytes = topicCache.get(topic);
  if (!bytes) {
    bytes = Buffer.from(topic, 'utf8');
    if (topicCache.size > 10_000) topicCache.clear();
    topicCache.set(topic, bytes);
  }
  return bytes;
}

/** A record measured and validated, ready to be written where its writer chooses. */
export interface PreparedRecord {
  readonly msg: MessageRecord;
  readonly size: number;
  readonly sysFlag: number;
  readonly topic: Buffer;
  /** The properties as text when they are not all ASCII; otherwise written from `msg` directly. */
  readonly propsText: string | undefined;
  readonly propsLength: number;
  readonly bornHost: Buffer;
  readonly storeHost: Buffer;
}

/**
 * Measures and validates a CommitLog record: the sysFlag's host bits are derived from the hosts;
 * properties longer than 32767 bytes are refused as RocketMQ refuses them. Write it with
 * writeMessageRecord (the body CRC is computed then).
 */
export function prepareMessageRecord(msg: MessageRecord): PreparedRecord {
  const bornHost = addressBytes(msg.bornHost.address);
  const storeHost = addressBytes(msg.storeHost.address);
  let sysFlag = msg.sysFlag & ~(MessageSysFlag.BORNHOST_V6 | MessageSysFlag.STOREHOST_V6);
  if (bornHost.length === 16) sysFlag |= MessageSysFlag.BORNHOST_V6;
  if (storeHost.length === 16) sysFlag |= MessageSysFlag.STOREHOST_V6;
  const topic = topicBytes(msg.topic);
  // Properties are nearly always ASCII: measured in place, they need no string built per record.
  let propsText: string | undefined;
  let propsLength = asciiPropertiesLength(msg.properties);
  if (propsLength < 0) {
    propsText = encodeProperties(msg.properties);
    propsLength = Buffer.byteLength(propsText, 'utf8');
  }
  if (propsLength > MAX_PROPERTIES_LENGTH) {
    throw new IllegalMessageError(
      `message properties of ${propsLength} bytes exceed ${MAX_PROPERTIES_LENGTH} bytes`,
    );
  }
  if (topic.length === 0 || topic.length > MAX_TOPIC_LENGTH) {
    throw new IllegalMessageError(`topic of ${topic.length} bytes is not storable`);
  }
  const badField = outOfRangeField(msg);
  if (badField) throw new IllegalMessageError(`message field ${badField} is out of range`);
  const size =
    RecordOffset.BORN_HOST +
    bornHost.length +
    4 +
    8 +
    storeHost.length +
    4 +
    4 +
    8 +
    4 +
    msg.body.length +
    (topic.length > 127 ? 2 : 1) +
    topic.length +
    2 +
    propsLength;
  return { msg, size, sysFlag, topic, propsText, propsLength, bornHost, storeHost };
}

/**
 * The first field that does not fit its slot (int32, or int64 as a safe integer), if any: the
 * writer's DataView would wrap it silently, so it is refused before anything is written.
 */
function outOfRangeField(msg: MessageRecord): string | undefined {
  if ((msg.queueId | 0) !== msg.queueId) return 'queueId';
  if ((msg.flag | 0) !== msg.flag) return 'flag';
  if ((msg.sysFlag | 0) !== msg.sysFlag) return 'sysFlag';
  if ((msg.reconsumeTimes | 0) !== msg.reconsumeTimes) return 'reconsumeTimes';
  if ((msg.bornHost.port | 0) !== msg.bornHost.port) return 'bornHost.port';
  if ((msg.storeHost.port | 0) !== msg.storeHost.port) return 'storeHost.port';
  if (!Number.isSafeInteger(msg.queueOffset)) return 'queueOffset';
  if (!Number.isSafeInteger(msg.commitLogOffset)) return 'commitLogOffset';
  if (!Number.isSafeInteger(msg.bornTimestamp)) return 'bornTimestamp';
  if (!Number.isSafeInteger(msg.storeTimestamp)) return 'storeTimestamp';
  if (!Number.isSafeInteger(msg.preparedTransactionOffset)) return 'preparedTransactionOffset';
  return undefined;
}

/** Encodes one CommitLog record into a new buffer. */
export function encodeMessageRecord(msg: MessageRecord): Buffer {
  const prepared = prepareMessageRecord(msg);
  const buf = Buffer.allocUnsafe(prepared.size);
  writeMessageRecord(prepared, buf, 0);
  return buf;
}

/**
 * Writes a prepared record at `start` of `buf` (which must have `prepared.size` bytes there). The
 * record must not have changed since it was prepared.
 */
export function writeMessageRecord(prepared: PreparedRecord, buf: Buffer, start: number): void {
  const { msg, size, sysFlag, topic, propsText, propsLength, bornHost, storeHost } = prepared;
  const view = dataViewOf(buf);
  const body = msg.body;
  const v2 = topic.length > 127;
  view.setInt32(start, size);
  view.setInt32(start + RecordOffset.MAGIC, v2 ? MessageMagic.V2 : MessageMagic.V1);
  view.setInt32(start + RecordOffset.BODY_CRC, bodyCrc(body));
  view.setInt32(start + RecordOffset.QUEUE_ID, msg.queueId);
  view.setInt32(start + RecordOffset.FLAG, msg.flag);
  setInt64(view, start + RecordOffset.QUEUE_OFFSET, msg.queueOffset);
  setInt64(view, start + RecordOffset.PHYSICAL_OFFSET, msg.commitLogOffset);
  view.setInt32(start + RecordOffset.SYS_FLAG, sysFlag);
  setInt64(view, start + RecordOffset.BORN_TIMESTAMP, msg.bornTimestamp);
  let pos = putSmall(buf, bornHost, start + RecordOffset.BORN_HOST);
  view.setInt32(pos, msg.bornHost.port);
  setInt64(view, pos + 4, msg.storeTimestamp);
  pos = putSmall(buf, storeHost, pos + 12);
  view.setInt32(pos, msg.storeHost.port);
  view.setInt32(pos + 4, msg.reconsumeTimes);
  setInt64(view, pos + 8, msg.preparedTransactionOffset);
  view.setInt32(pos + 16, body.length);
  pos += 20;
  buf.set(body, pos);
  pos += body.length;
  if (v2) view.setInt16(pos, topic.length);
  else buf[pos] = topic.length;
  pos = v2 ? pos + 2 : pos + 1;
  pos = topic.length <= 32 ? putSmall(buf, topic, pos) : pos + topic.copy(buf, pos);
  view.setInt16(pos, propsLength);
  if (propsText !== undefined) buf.write(propsText, pos + 2, 'utf8');
  else if (propsLength > 0) putAsciiProperties(buf, msg.properties, pos + 2);
}

/*
 * The record's integers go through a DataView: its setters cost a fraction of Buffer's checked
 * writeInt32BE. The store writes every record of a batch into one buffer, so the view of the last
 * buffer is kept for the next call.
 */
let viewedBuffer: Buffer | undefined;
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

function dataViewOf(buf: Buffer): DataView<ArrayBufferLike> {
  if (buf !== viewedBuffer) {
    view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    viewedBuffer = buf;
  }
  return view;
}

const TWO_32 = 4294967296;

/** A safe integer as a big-endian int64 (the layout of writeInt64BE). */
function setInt64(target: DataView<ArrayBufferLike>, pos: number, value: number): void {
  const hi = Math.floor(value / TWO_32);
  target.setInt32(pos, hi);
  target.setUint32(pos + 4, value - hi * TWO_32);
}

/** Copies a few bytes (hosts, short topics) faster than Buffer.copy's call and checks do. */
function putSmall(buf: Buffer, bytes: Buffer, pos: number): number {
  for (let i = 0; i < bytes.length; i++) buf[pos + i] = bytes[i]!;
  return pos + bytes.length;
}

export interface DecodeOptions {
  /** Verify BODYCRC against the body bytes (default true). */
  checkCRC?: boolean;
  /** Inflate a COMPRESSED body (default true). */
  decompress?: boolean;
}

function fail(pos: number, why: string): never {
  throw new MessageDecodeError(`malformed message record at byte ${pos}: ${why}`);
}

/** Fails unless `n` bytes at `at` lie inside the record [pos, end). */
function need(pos: number, end: number, at: number, n: number, what: string): void {
  if (n < 0 || at + n > end) fail(pos, `${what} overruns the record`);
}

/**
 * IPv4 texts by address: the records of one pull mostly share their born and store hosts, so a
 * small cache saves a string (and a subarray) per host per message. Cleared when it fills up.
 */
const ipv4Texts = new Map<number, string>();

function readAddress(buf: Buffer, at: number, length: number): string {
  if (length !== 4) return formatAddress(buf.subarray(at, at + length));
  const key = buf.readUInt32BE(at);
  let text = ipv4Texts.get(key);
  if (text === undefined) {
    if (ipv4Texts.size >= 1024) ipv4Texts.clear();
    text = formatAddress(buf.subarray(at, at + 4));
    ipv4Texts.set(key, text);
  }
  return text;
}

/**
 * Decodes the record at `pos`. Throws MessageDecodeError on a bad size, magic code or CRC, or on
 * fields that overrun the record, so a corrupt record is never returned as a message.
 */
export function decodeMessageRecord(buf: Buffer, pos = 0, options: DecodeOptions = {}): MessageExt {
  const remaining = buf.length - pos;
  if (remaining < RecordOffset.BORN_HOST + 8) fail(pos, `only ${remaining} bytes left`);
  const size = buf.readInt32BE(pos);
  if (size < RecordOffset.BORN_HOST + 8 || size > remaining) fail(pos, `total size ${size}`);
  const magic = buf.readInt32BE(pos + RecordOffset.MAGIC);
  if (magic !== MessageMagic.V1 && magic !== MessageMagic.V2) {
    fail(pos, `magic code 0x${(magic >>> 0).toString(16)}`);
  }
  const end = pos + size;
  const sysFlag = buf.readInt32BE(pos + RecordOffset.SYS_FLAG);
  const bornLen = hostLength(sysFlag, MessageSysFlag.BORNHOST_V6) - 4;
  const storeLen = hostLength(sysFlag, MessageSysFlag.STOREHOST_V6) - 4;
  let at = pos + RecordOffset.BORN_HOST;
  need(pos, end, at, bornLen + 4 + 8 + storeLen + 4 + 4 + 8 + 4, 'fixed fields');
  const bornHost = { address: readAddress(buf, at, bornLen), port: buf.readInt32BE(at + bornLen) };
  at += bornLen + 4;
  const storeTimestamp = readInt64BE(buf, at);
  at += 8;
  const storeHostPos = at;
  const storeHost = {
    address: readAddress(buf, at, storeLen),
    port: buf.readInt32BE(at + storeLen),
  };
  at += storeLen + 4;
  const reconsumeTimes = buf.readInt32BE(at);
  const preparedTransactionOffset = readInt64BE(buf, at + 4);
  at += 12;
  const bodyLen = buf.readInt32BE(at);
  at += 4;
  need(pos, end, at, bodyLen, 'body');
  let body: Buffer = Buffer.from(buf.subarray(at, at + bodyLen));
  at += bodyLen;
  const bodyCRC = buf.readInt32BE(pos + RecordOffset.BODY_CRC);
  if (options.checkCRC !== false && bodyCrc(body) !== bodyCRC) fail(pos, 'body CRC mismatch');
  const topicLenSize = magic === MessageMagic.V2 ? 2 : 1;
  need(pos, end, at, topicLenSize, 'topic length');
  const topicLen = topicLenSize === 2 ? buf.readInt16BE(at) : buf.readInt8(at);
  at += topicLenSize;
  need(pos, end, at, topicLen, 'topic');
  const topic = buf.toString('utf8', at, at + topicLen);
  at += topicLen;
  need(pos, end, at, 2, 'properties length');
  const propsLen = buf.readInt16BE(at);
  at += 2;
  need(pos, end, at, propsLen, 'properties');
  const properties = decodeProperties(buf.toString('utf8', at, at + propsLen));
  let flags = sysFlag;
  if (options.decompress !== false && sysFlag & MessageSysFlag.COMPRESSED) {
    body = decompressBody(body, sysFlag, pos);
    flags &= ~(MessageSysFlag.COMPRESSED | MessageSysFlag.COMPRESSION_TYPE_MASK);
  }
  const commitLogOffset = readInt64BE(buf, pos + RecordOffset.PHYSICAL_OFFSET);
  return {
    topic,
    body,
    properties,
    flag: buf.readInt32BE(pos + RecordOffset.FLAG),
    queueId: buf.readInt32BE(pos + RecordOffset.QUEUE_ID),
    queueOffset: readInt64BE(buf, pos + RecordOffset.QUEUE_OFFSET),
    commitLogOffset,
    sysFlag: flags,
    bornTimestamp: readInt64BE(buf, pos + RecordOffset.BORN_TIMESTAMP),
    bornHost,
    storeTimestamp,
    storeHost,
    reconsumeTimes,
    preparedTransactionOffset,
    msgId: offsetMessageIdAt(buf, storeHostPos, storeLen + 4, pos + RecordOffset.PHYSICAL_OFFSET),
    bodyCRC,
    storeSize: size,
  };
}

function decompressBody(body: Buffer, sysFlag: number, pos: number): Buffer {
  const algorithm = sysFlag & MessageSysFlag.COMPRESSION_TYPE_MASK;
  if (algorithm !== 0 && algorithm !== MessageSysFlag.COMPRESSION_ZLIB_TYPE) {
    fail(pos, `compression type 0x${algorithm.toString(16)} is not supported (only zlib)`);
  }
  try {
    return inflateSync(body);
  } catch (err) {
    return fail(pos, `compressed body does not inflate: ${(err as Error).message}`);
  }
}

/** Decodes concatenated records, as in a pull, view or query response body. */
export function decodeMessageRecords(buf: Buffer, options: DecodeOptions = {}): MessageExt[] {
  const out: MessageExt[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const msg = decodeMessageRecord(buf, pos, options);
    out.push(msg);
    pos += msg.storeSize;
  }
  return out;
}
