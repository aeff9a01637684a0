import type { RemotingConnection, SocketAddress } from '@rocketnest/protocol';

/**
 * The client's address as records store it (BORNHOST). A dual-stack listener reports IPv4 peers
 * as "::ffff:a.b.c.d"; they are stored as IPv4, as ali-ons can only decode 4-byte hosts.
 */
export function bornHostOf(connection: RemotingConnection): SocketAddress {
  const raw = connection.socket.remoteAddress ?? '0.0.0.0';
  const address = raw.startsWith('::ffff:') && raw.includes('.') ? raw.slice(7) : raw;
  return { address, port: connection.socket.remotePort ?? 0 };
}
