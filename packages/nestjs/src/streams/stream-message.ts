import type { ConsumedMessage } from '@rocketnest/client';

/**
 * A message emitted by `messageStream`. `ack()` says the pipeline is done with it: only then may
 * its offset be committed, and only acknowledged messages make room for more to be pulled.
 * Calling it again does nothing.
 */
export interface StreamMessage extends ConsumedMessage {
  ack(): void;
}
