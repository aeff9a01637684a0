import { describeError } from '../utils/describe-error';
import type { RocketMQServerEvents } from './rocketmq-server.events';

type Listener = (...args: never[]) => void;

/** The listeners of `RocketMQServer.on()`; a throwing listener is reported, not propagated. */
export class ServerEventListeners {
  private readonly listeners = new Map<keyof RocketMQServerEvents, Listener[]>();

  constructor(private readonly onListenerError: (message: string) => void) {}

  add(event: keyof RocketMQServerEvents, listener: Listener): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }

  emit<K extends keyof RocketMQServerEvents>(
    event: K,
    ...args: Parameters<RocketMQServerEvents[K]>
  ): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as (...a: unknown[]) => void)(...args);
      } catch (err) {
        this.onListenerError(`a ${event} listener threw: ${describeError(err)}`);
      }
    }
  }
}
