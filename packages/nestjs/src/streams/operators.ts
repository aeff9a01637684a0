import { defer, mergeMap, tap, type ObservableInput, type OperatorFunction } from 'rxjs';
import type { StreamMessage } from './stream-message';

/**
 * The common path: runs `handler` for each message (one at a time by default, like concatMap;
 * up to `concurrency` at once, like mergeMap) and acknowledges the message when the handler's
 * promise resolves or its Observable completes. Emits the handler's results. A handler error
 * errors the stream without acknowledging: the message is consumed again after resubscribing.
 */
export function ackAfter<R>(
  handler: (message: StreamMessage) => ObservableInput<R>,
  concurrency = 1,
): OperatorFunction<StreamMessage, R> {
  return mergeMap(
    (message) => defer(() => handler(message)).pipe(tap({ complete: () => message.ack() })),
    concurrency,
  );
}

/** Acknowledges a message, or every message of an array (a bufferTime batch). */
export function ackAll(messages: StreamMessage | readonly StreamMessage[]): void {
  if (Array.isArray(messages)) for (const m of messages as readonly StreamMessage[]) m.ack();
  else (messages as StreamMessage).ack();
}

/**
 * Ends a pipeline: acknowledges each message (or batch of messages) that reaches it, and passes
 * it on. Put it after the step that handled them, e.g. after `concatMap(saveBatch)`.
 */
export function acknowledge<T extends StreamMessage | readonly StreamMessage[]>(): OperatorFunction<
  T,
  T
> {
  return tap((value) => ackAll(value));
}
