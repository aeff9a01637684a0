import { FrameError } from '../errors';
import { LanguageCode, languageFromByte } from '../codes/language-code';
import type { ExtFields } from '../header/field';
import type { RemotingCommand } from './remoting-command';

type HeaderPart = Omit<RemotingCommand, 'body' | 'serializeType'>;

const FIXED_PART = 2 + 1 + 2 + 4 + 4 + 4 + 4;

/** RocketMQSerializable's binary header: fixed 21 bytes, then remark and the ext-field map. */
export function encodeRocketMQHeader(cmd: HeaderPart): Buffer {
  // Measure first, then write every string straight into one buffer: no buffer per field.
  const remarkLength = cmd.remark ? Buffer.byteLength(cmd.remark, 'utf8') : 0;
  const fields = cmd.extFields ?? {};
  let mapLength = 0;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    mapLength += 2 + Buffer.byteLength(key, 'utf8') + 4 + Buffer.byteLength(value, 'utf8');
  }
  const out = Buffer.allocUnsafe(FIXED_PART + remarkLength + mapLength);
  let pos = out.writeInt16BE(cmd.code, 0);
  pos = out.writeUInt8(LanguageCode[cmd.language] ?? LanguageCode.OTHER, pos);
  pos = out.writeInt16BE(cmd.version, pos);
  pos = out.writeInt32BE(cmd.opaque, pos);
  pos = out.writeInt32BE(cmd.flag, pos);
  pos = out.writeInt32BE(remarkLength, pos);
  if (remarkLength > 0) pos += out.write(cmd.remark!, pos, 'utf8');
  pos = out.writeInt32BE(mapLength, pos);
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    const keyLength = out.write(key, pos + 2, 'utf8');
    out.writeInt16BE(keyLength, pos);
    pos += 2 + keyLength;
    const valueLength = out.write(value, pos + 4, 'utf8');
    out.writeInt32BE(valueLength, pos);
    pos += 4 + valueLength;
  }
  return out;
}

function need(buf: Buffer, pos: number, n: number, what: string): void {
  if (n < 0 || pos + n > buf.length) {
    throw new FrameError(
      `ROCKETMQ header truncated: ${what} needs ${n} bytes at ${pos} of ${buf.length}`,
    );
  }
}

function decodeExtFields(buf: Buffer, start: number, end: number): ExtFields {
  const out: ExtFields = {};
  let pos = start;
  while (pos < end) {
    need(buf, pos, 2, 'ext key length');
    const keyLen = buf.readInt16BE(pos);
    pos += 2;
    need(buf, pos, keyLen, 'ext key');
    const key = buf.toString('utf8', pos, pos + keyLen);
    pos += keyLen;
    need(buf, pos, 4, 'ext value length');
    const valLen = buf.readInt32BE(pos);
    pos += 4;
    need(buf, pos, valLen, 'ext value');
    out[key] = buf.toString('utf8', pos, pos + valLen);
    pos += valLen;
  }
  if (pos !== end) throw new FrameError('ROCKETMQ header ext fields overrun their declared length');
  return out;
}

export function decodeRocketMQHeader(buf: Buffer): HeaderPart {
  need(buf, 0, FIXED_PART - 4, 'fixed part');
  const code = buf.readInt16BE(0);
  const language = languageFromByte(buf.readUInt8(2));
  const version = buf.readInt16BE(3);
  const opaque = buf.readInt32BE(5);
  const flag = buf.readInt32BE(9);
  const remarkLen = buf.readInt32BE(13);
  let pos = 17;
  need(buf, pos, remarkLen, 'remark');
  const remark = remarkLen > 0 ? buf.toString('utf8', pos, pos + remarkLen) : undefined;
  pos += remarkLen;
  need(buf, pos, 4, 'ext fields length');
  const extLen = buf.readInt32BE(pos);
  pos += 4;
  need(buf, pos, extLen, 'ext fields');
  const extFields = extLen > 0 ? decodeExtFields(buf, pos, pos + extLen) : undefined;
  return { code, language, version, opaque, flag, remark, extFields };
}
