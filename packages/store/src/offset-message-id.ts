import { createOffsetMessageId, type SocketAddress } from '@rocketnest/protocol';

const TWO_32 = 4294967296;
const HEX_DIGITS = Array.from('0123456789ABCDEF', (c) => c.charCodeAt(0));

/**
 * Offset message ids (protocol's createOffsetMessageId) for one store host, made once per put:
 * the host part is fixed, and the offset's 16 hex digits are built in one string rather than
 * through a buffer or toString/toUpperCase/padStart, which cost more than the rest of a put result.
 */
export class OffsetMessageIds {
  private readonly hostPart: string;

  constructor(storeHost: SocketAddress) {
    this.hostPart = createOffsetMessageId(storeHost, 0).slice(0, -16);
  }

  of(commitLogOffset: number): string {
    const hi = Math.floor(commitLogOffset / TWO_32);
    return this.hostPart + hex8(hi) + hex8(commitLogOffset - hi * TWO_32);
  }
}

function hex8(n: number): string {
  const d = HEX_DIGITS;
  return String.fromCharCode(
    d[(n >>> 28) & 15]!,
    d[(n >>> 24) & 15]!,
    d[(n >>> 20) & 15]!,
    d[(n >>> 16) & 15]!,
    d[(n >>> 12) & 15]!,
    d[(n >>> 8) & 15]!,
    d[(n >>> 4) & 15]!,
    d[n & 15]!,
  );
}
