import type { DataVersion } from '@rocketnest/protocol';

/**
 * DataVersion.equals: a broker bumps its data version whenever its topic config changes, so an
 * equal version means the name server's copy of that broker's topics is current.
 */
export function dataVersionEquals(a: DataVersion, b: DataVersion): boolean {
  return (
    (a.stateVersion ?? 0) === (b.stateVersion ?? 0) &&
    a.timestamp === b.timestamp &&
    a.counter === b.counter
  );
}
