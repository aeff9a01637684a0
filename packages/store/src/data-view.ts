/**
 * Big-endian writes through a DataView: the per-message paths (queue units, index entries) write
 * several integers per message, and a DataView's setters cost a fraction of Buffer's checked
 * writeInt32BE.
 */

const TWO_32 = 4294967296;

/** A DataView over exactly the bytes of `buf` (which may be a slice of a larger pool). */
export function dataViewOf(buf: Buffer): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Writes a safe integer as a big-endian int64 (the layout of protocol's writeInt64BE). */
export function setInt64(view: DataView, pos: number, value: number): void {
  const hi = Math.floor(value / TWO_32);
  view.setInt32(pos, hi);
  view.setUint32(pos + 4, value - hi * TWO_32);
}
