import { jsonLogger, type Logger } from '@rocketnest/protocol';

export interface NameServerOptions {
  /** Interface to bind. Default: all interfaces, as RocketMQ's name server. */
  host?: string;
  /** Port to listen on; 0 picks a free one (read it back from `start()` or `port`). Default 9876. */
  port?: number;
  /**
   * A broker that has not re-registered for this long is removed with its routes, unless it
   * announced its own `heartbeatTimeoutMillis` when registering. Brokers re-register every 30 s.
   * Default 120000 (RocketMQ's BROKER_CHANNEL_EXPIRED_TIME).
   */
  brokerExpiryMs?: number;
  /** How often expired brokers are looked for. Default 5000 (scanNotActiveBrokerInterval). */
  scanIntervalMs?: number;
  /** Largest request frame accepted. Default 16 MiB (RocketMQ's frameMaxLength). */
  maxFrameSize?: number;
  /** Default: JSON lines on stderr at level info, logger name "namesrv". */
  logger?: Logger;
  /** The clock broker expiry is measured with. Default `Date.now`. */
  now?: () => number;
}

export const NAME_SERVER_DEFAULTS = {
  port: 9876,
  brokerExpiryMs: 120_000,
  scanIntervalMs: 5_000,
  maxFrameSize: 16 * 1024 * 1024,
} as const;

export type ResolvedNameServerOptions = Required<Omit<NameServerOptions, 'host'>> &
  Pick<NameServerOptions, 'host'>;

export function resolveNameServerOptions(options: NameServerOptions): ResolvedNameServerOptions {
  return {
    host: options.host,
    port: options.port ?? NAME_SERVER_DEFAULTS.port,
    brokerExpiryMs: options.brokerExpiryMs ?? NAME_SERVER_DEFAULTS.brokerExpiryMs,
    scanIntervalMs: options.scanIntervalMs ?? NAME_SERVER_DEFAULTS.scanIntervalMs,
    maxFrameSize: options.maxFrameSize ?? NAME_SERVER_DEFAULTS.maxFrameSize,
    logger: options.logger ?? jsonLogger('namesrv'),
    now: options.now ?? Date.now,
  };
}
