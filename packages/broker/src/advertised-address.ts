import { networkInterfaces } from 'node:os';

/**
 * The address clients should use for this machine: its first non-internal IPv4 address. IPv4
 * because ali-ons decodes only 4-byte STOREHOST addresses; 127.0.0.1 when there is none.
 */
export function defaultAdvertisedAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (a.family === 'IPv4' && !a.internal) return a.address;
    }
  }
  return '127.0.0.1';
}
