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

function startOfMonth(now: number): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), 1).getTime();
}

/**
 * Client-side unique message ids (the UNIQ_KEY property), shaped as MessageClientIDSetter's:
 * IP (4) + pid (2) + a per-process random (4) + ms since the start of the month (4) + counter (2).
 */
export class UniqueIdGenerator {
  private readonly prefix: Buffer;
  private monthStart = 0;
  private nextMonthStart = 0;
  private counter = 0;

  constructor(ip: Buffer = localIPv4(), pid: number = process.pid) {
    this.prefix = Buffer.alloc(ip.length + 6);
    ip.copy(this.prefix, 0);
    this.prefix.writeUInt16BE(pid & 0xffff, ip.length);
    randomBytes(4).copy(this.prefix, ip.length + 2);
  }

  next(now: number = Date.now()): string {
    if (now >= this.nextMonthStart) {
      this.monthStart = startOfMonth(now);
      const d = new Date(this.monthStart);
      this.nextMonthStart = new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime();
    }
    const buf = Buffer.allocUnsafe(this.prefix.length + 6);
    this.prefix.copy(buf, 0);
    buf.writeInt32BE((now - this.monthStart) | 0, this.prefix.length);
    buf.writeUInt16BE(this.counter, this.prefix.length + 4);
    this.counter = (this.counter + 1) & 0xffff;
    return buf.toString('hex').toUpperCase();
  }
}

const defaultGenerator = new UniqueIdGenerator();

export function createUniqueId(): string {
  return defaultGenerator.next();
}
