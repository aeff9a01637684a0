import type { PoolConfig } from 'pg';
import type { PoolOptions } from 'mysql2/promise';
import type { RedisOptions } from 'ioredis';
import { SERVICES } from '../../../../../test/support/services';

/** The machine's test services (see test/support/services.ts). */
export const POSTGRES: PoolConfig = { ...SERVICES.postgres, user: 'postgres', database: 'test' };
export const MARIADB: PoolOptions = { ...SERVICES.mariadb, user: 'root', database: 'test' };
export const REDIS: RedisOptions = {
  ...SERVICES.redis,
  lazyConnect: false,
  maxRetriesPerRequest: 1,
};
