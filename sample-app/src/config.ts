import { join } from 'node:path';

/** Everything the sample reads from its environment, with the defaults `npm start` uses. */
export interface SampleConfig {
  /** HTTP port (0 = any free port). */
  httpPort: number;
  /** Name server address of the rocketnest (or Apache RocketMQ) cluster. */
  nameServer: string;
  /** Where the SQLite idempotency table lives. */
  dataDir: string;
  /** PostgreSQL connection string: when set, the idempotency table lives there instead. */
  databaseUrl?: string;
  /** Delay level of the "cancel if unpaid" message (4 = 30 s with the default levels). */
  cancelDelayLevel: number;
  /** Window of the analytics counts (ms). */
  analyticsWindowMs: number;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): SampleConfig {
  return {
    httpPort: Number(env.PORT ?? 3000),
    nameServer: env.ROCKETNEST_NAMESRV ?? '127.0.0.1:9876',
    dataDir: env.SAMPLE_DATA_DIR ?? join(process.cwd(), '.rocketnest', 'sample-app'),
    databaseUrl: env.DATABASE_URL || undefined,
    cancelDelayLevel: Number(env.CANCEL_DELAY_LEVEL ?? 4),
    analyticsWindowMs: Number(env.ANALYTICS_WINDOW_MS ?? 5000),
  };
}

export const SAMPLE_CONFIG = Symbol('SAMPLE_CONFIG');

/**
 * Redeliveries of a failing fraud check before its message lands in the DLQ. Read when the
 * handler's decorator is evaluated (at import), since decorator arguments cannot be injected.
 */
export const FRAUD_MAX_RECONSUME_TIMES = Number(process.env.FRAUD_MAX_RECONSUME_TIMES ?? 2);
