import { FrameError } from '../errors';
import { decodeJsonHeader, encodeJsonHeader } from './json-header';
import { SerializeType, type RemotingCommand } from './remoting-command';
import { decodeRocketMQHeader, encodeRocketMQHeader } from './rocketmq-header';

/** Netty's LengthFieldBasedFrameDecoder default in RocketMQ (com.rocketmq.remoting.frameMaxLength). */
export const DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;

const MAX_HEADER_LENGTH = 0xffffff;

/**
 * Encodes a command as the frame prefix (length, type+header length, header) and the body, kept
 * apart so a large body is written to the socket without being copied.
 */
export function encodeFrameParts(cmd: RemotingCommand): [Buffer, Buffer | undefined] {
  const header =
    cmd.serializeType === SerializeType.ROCKETMQ
      ? encodeRocketMQHeader(cmd)
      : encodeJsonHeader(cmd);
  if (header.length > MAX_HEADER_LENGTH) {
    throw new FrameError(`header of ${header.length} bytes exceeds the 24-bit header length field`);
  }
  const bodyLength = cmd.body?.length ?? 0;
  const prefix = Buffer.allocUnsafe(8 + header.length);
  prefix.writeInt32BE(4 + header.length + bodyLength, 0);
  prefix.writeUInt32BE(((cmd.serializeType << 24) | header.length) >>> 0, 4);
  header.copy(prefix, 8);
  return [prefix, bodyLength > 0 ? cmd.body : undefined];
}

/** Encodes a command as one buffer: `int32 length | int32 type<<24|headerLength | header | body`. */
export function encodeFrame(cmd: RemotingCommand): Buffer {
  const [prefix, body] = encodeFrameParts(cmd);
  return body ? Buffer.concat([prefix, body]) : prefix;
}

/**
 * Decodes one frame's content: everything after the 4-byte length word. The body is a view of
 * `frame`, not a copy.
 */
export function decodeFrameContent(frame: Buffer): RemotingCommand {
  if (frame.length < 4)
    throw new FrameError(`frame of ${frame.length} bytes has no header length word`);
  const word = frame.readUInt32BE(0);
  const type = word >>> 24;
  const headerLength = word & MAX_HEADER_LENGTH;
  if (headerLength > frame.length - 4) {
    throw new FrameError(`bad header length ${headerLength} in a frame of ${frame.length} bytes`);
  }
  const headerBytes = frame.subarray(4, 4 + headerLength);
  let header;
  if (type === SerializeType.JSON) header = decodeJsonHeader(headerBytes);
  else if (type === SerializeType.ROCKETMQ) header = decodeRocketMQHeader(headerBytes);
  else throw new FrameError(`unknown header serialization type ${type}`);
  const cmd = header as RemotingCommand;
  cmd.body = frame.length > 4 + headerLength ? frame.subarray(4 + headerLength) : undefined;
  cmd.serializeType = type as SerializeType;
  return cmd;
}

/** Decodes one whole frame, length word included. */
export function decodeFrame(bytes: Buffer): RemotingCommand {
  if (bytes.length < 4) throw new FrameError('frame shorter than its length word');
  const length = bytes.readInt32BE(0);
  if (length !== bytes.length - 4) {
    throw new FrameError(`frame length word says ${length} but ${bytes.length - 4} bytes follow`);
  }
  return decodeFrameContent(bytes.subarray(4));
}
