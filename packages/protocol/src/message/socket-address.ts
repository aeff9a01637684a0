import { isIPv4, isIPv6 } from 'node:net';
import { MessageDecodeError } from '../errors';

/** A host as a stored record carries it: 4 or 16 address bytes and a port. */
export interface SocketAddress {
  address: string;
  port: number;
}

export function isIPv6Address(address: string): boolean {
  return !isIPv4(address) && isIPv6(address);
}

const addressCache = new Map<string, Buffer>();

/**
 * Bytes of the address part: 4 for IPv4, 16 for IPv6. Unknown names encode as 0.0.0.0. Results
 * are cached (a process sees few distinct hosts); callers must not modify the returned buffer.
 */
export function addressBytes(address: string): Buffer {
  let bytes = addressCache.get(address);
  if (!bytes) {
    if (isIPv4(address)) bytes = Buffer.from(address.split('.').map((n) => Number(n)));
    else if (isIPv6(address)) bytes = ipv6Bytes(address);
    else bytes = Buffer.alloc(4);
    if (addressCache.size > 1024) addressCache.clear();
    addressCache.set(address, bytes);
  }
  return bytes;
}

function ipv6Bytes(address: string): Buffer {
  let text = address;
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    tail.push(...v4[1]!.split('.').map(Number));
    text = text.slice(0, -v4[1]!.length) + '0:0';
  }
  const [head, rest] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const fill = rest !== undefined ? 8 - headGroups.length - restGroups.length : 0;
  const groups = [...headGroups, ...Array<string>(fill).fill('0'), ...restGroups];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16) || 0, i * 2));
  if (tail.length === 4) Buffer.from(tail).copy(out, 12);
  return out;
}

export function formatAddress(bytes: Buffer): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (bytes.length !== 16) throw new MessageDecodeError(`address of ${bytes.length} bytes`);
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':');
}

/** "host:port" -> SocketAddress; the port is after the last colon (IPv6 may be bracketed). */
export function parseHostPort(text: string): SocketAddress {
  const at = text.lastIndexOf(':');
  if (at <= 0) throw new Error(`address "${text}" is not host:port`);
  const host = text.slice(0, at).replace(/^\[|\]$/g, '');
  const port = Number(text.slice(at + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad port in "${text}"`);
  return { address: host, port };
}

export function formatHostPort(addr: SocketAddress): string {
  return isIPv6Address(addr.address)
    ? `[${addr.address}]:${addr.port}`
    : `${addr.address}:${addr.port}`;
}
