import { deflateSync } from 'node:zlib';

/** The Java producer's compressMsgBodyOverHowmuch default. */
export const DEFAULT_COMPRESS_OVER = 4096;

/** zlib at level 5, as the Java producer compresses; readable by every RocketMQ client. */
export function compressBody(body: Buffer, level = 5): Buffer {
  return deflateSync(body, { level });
}
