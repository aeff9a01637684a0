import type { Logger, RemotingConnection } from '@rocketnest/protocol';
import type { PullRequestHoldService } from '../longpolling/pull-request-hold-service';
import type { ConsumerManager } from './consumer-manager';
import type { ProducerManager } from './producer-manager';

/**
 * Forgets clients that are gone (RocketMQ's ClientHousekeepingService): on disconnect at once,
 * and on a timer the ones that stopped heartbeating (their connection is then closed). Leaving a
 * consumer group notifies its remaining members through the ConsumerManager's listener.
 */
export class ClientHousekeepingService {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly consumers: ConsumerManager,
    private readonly producers: ProducerManager,
    private readonly holds: PullRequestHoldService,
    private readonly expiryMs: number,
    private readonly logger: Logger,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.scanNotActiveChannels(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  onDisconnect(connection: RemotingConnection): void {
    this.holds.dropConnection(connection);
    this.consumers.removeConnection(connection);
    this.producers.removeConnection(connection);
  }

  /** Evicts clients without a heartbeat for `expiryMs`; returns how many connections it closed. */
  scanNotActiveChannels(now = Date.now()): number {
    const expired = new Set([
      ...this.consumers.expired(now, this.expiryMs),
      ...this.producers.expired(now, this.expiryMs),
    ]);
    for (const connection of expired) {
      this.logger.warn('client expired: no heartbeat, closing its connection', {
        client: connection.remoteAddress,
        expiryMs: this.expiryMs,
      });
      this.onDisconnect(connection);
      connection.close();
    }
    return expired.size;
  }
}
