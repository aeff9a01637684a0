import { networkInterfaces } from 'node:os';
import { randomBytes } from 'node:crypto';
import { IllegalMessageError } from '../errors';
import { readInt64BE, writeInt64BE } from './int64';
import { addressBytes, formatAddress, type SocketAddress } from './socket-address';

/**
 * The offset message id a broker returns on send: store host address, port and the record's
 * CommitLog offset, as uppercase hex (32 characters for IPv4, 56 for IPv6).
 */
export function createOffsetMessageId(storeHost: SocketAddress, commitLogOffset: number): string {
  const ip = addressBytes(storeHost.address);
  const buf = Buffer.allocUnsafe(ip.length + 12);
  ip.copy(buf, 0);
  buf.writeInt32BE(storeHost.port, ip.length);
  writeInt64BE(buf, commitLogOffset, ip.length + 4);
  return buf.toString('hex').toUpperCase();
}

/** Room for the longest offset msgId (IPv6: 56 hex digits); ids are read out as they are built. */
const ID_CHARS = Buffer.alloc(56);

/**
 * The offset message id of a record, from its own bytes: the store host (address and port,
 * `hostLength` bytes at `hostPos`) and the commit-log offset (8 bytes at `offsetPos`). The same
 * text as createOffsetMessageId, without a buffer or intermediate strings per record.
 */
export function offsetMessageIdAt(
  record: Buffer,
  hostPos: number,
  hostLength: number,
  offsetPos: number,
): string {
  let pos = 0;
  for (let i = 0; i < hostLength; i++) pos = putHexByte(ID_CHARS, pos, record[hostPos + i]!);
  for (let i = 0; i < 8; i++) pos = putHexByte(ID_CHARS, pos, record[offsetPos + i]!);
  return ID_CHARS.toString('latin1', 0, pos);
}

export interface OffsetMessageId {
  storeHost: SocketAddress;
  commitLogOffset: number;
}

export function parseOffsetMessageId(msgId: string): OffsetMessageId {
  if ((msgId.length !== 32 && msgId.length !== 56) || !/^[0-9a-fA-F]+$/.test(msgId)) {
    throw new IllegalMessageError(`"${msgId}" is not an offset message id`);
  }
  const buf = Buffer.from(msgId, 'hex');
  const ipLen = msgId.length === 32 ? 4 : 16;
  return {
    storeHost: { address: formatAddress(buf.subarray(0, ipLen)), port: buf.readInt32BE(ipLen) },
    commitLogOffset: readInt64BE(buf, ipLen + 4),
  };
}

function localIPv4(): Buffer {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family === 'IPv4' && !a.internal) return addressBytes(a.address);
    }
  }
  return Buffer.from([127, 0, 0, 1]);
}

const HEX_DIGITS = Buffer.from('0123456789ABCDEF', 'latin1');

/** Writes the low byte of `value` as two uppercase hex digits at `pos`. */
function putHexByte(buf: Buffer, pos: number, value: number): number {
  buf[pos] = HEX_DIGITS[(value >>> 4) & 0xf]!;
  buf[pos + 1] = HEX_DIGITS[value & 0xf]!;
  return pos + 2;
}

function startOfMonth(now: number): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), 1).getTime();
}

/**
 * Client-side unique message ids (the UNIQ_KEY property), shaped as MessageClientIDSetter's:
 * IP (4) + pid (2) + a per-process random (4) + ms since the start of the month (4) + counter (2).
 */
export class UniqueIdGenerator {
  /**
   * The id's characters: the fixed part (IP, pid, random) as uppercase hex, written once (Java's
   * FIX_STRING), then 12 hex digits rewritten per id. One flat string per id, nothing else.
   */
  private readonly chars: Buffer;
  private readonly fixedLength: number;
  private monthStart = 0;
  private nextMonthStart = 0;
  private counter = 0;

  constructor(ip: Buffer = localIPv4(), pid: number = process.pid) {
    const fixed = Buffer.alloc(ip.length + 6);
    ip.copy(fixed, 0);
    fixed.writeUInt16BE(pid & 0xffff, ip.length);
    randomBytes(4).copy(fixed, ip.length + 2);
    const prefix = fixed.toString('hex').toUpperCase();
    this.fixedLength = prefix.length;
    this.chars = Buffer.alloc(prefix.length + 12);
    this.chars.write(prefix, 'latin1');
  }

  /** One id: the fixed part, then ms since the start of the month (4 bytes) and a counter (2). */
  next(now: number = Date.now()): string {
    if (now >= this.nextMonthStart) {
      this.monthStart = startOfMonth(now);
      const d = new Date(this.monthStart);
      this.nextMonthStart = new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime();
    }
    const time = (now - this.monthStart) | 0; // Java's int: past 2^31 ms it wraps, as there
    const counter = this.counter;
    this.counter = (counter + 1) & 0xffff;
    const c = this.chars;
    let pos = this.fixedLength;
    pos = putHexByte(c, pos, time >>> 24);
    pos = putHexByte(c, pos, time >>> 16);
    pos = putHexByte(c, pos, time >>> 8);
    pos = putHexByte(c, pos, time);
    pos = putHexByte(c, pos, counter >>> 8);
    putHexByte(c, pos, counter);
    return c.toString('latin1');
  }
}

const defaultGenerator = new UniqueIdGenerator();

export function createUniqueId(): string {
  return defaultGenerator.next();
}
