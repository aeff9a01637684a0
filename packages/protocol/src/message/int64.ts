const TWO_32 = 4294967296;

/** Writes a safe integer as a big-endian int64 without going through BigInt. */
export function writeInt64BE(buf: Buffer, value: number, pos: number): number {
  const hi = Math.floor(value / TWO_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * TWO_32, pos + 4);
  return pos + 8;
}

/** Reads a big-endian int64 as a number; exact within +-2^53 (offsets and timestamps). */
export function readInt64BE(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
}
