export {
  IdempotencyError,
  IdempotencyConfigError,
  IdempotencyKeyMissingError,
  IdempotencyKeyInProgressError,
  IdempotencyLeaseLostError,
} from './errors';
export type {
  Acquisition,
  IdempotencyLease,
  IdempotencyStore,
  IdempotencyStoreOptions,
  TransactionalIdempotencyStore,
} from './store';
export { isTransactional, DEFAULT_RETENTION_MS } from './store';
export {
  SqliteIdempotencyStore,
  sqliteDdl,
  DEFAULT_SQLITE_FILENAME,
  type SqliteIdempotencyStoreOptions,
} from './sqlite-store';
export {
  PostgresIdempotencyStore,
  postgresDdl,
  type PostgresIdempotencyStoreOptions,
} from './postgres-store';
export { MysqlIdempotencyStore, mysqlDdl, type MysqlIdempotencyStoreOptions } from './mysql-store';
export { RedisIdempotencyStore, type RedisIdempotencyStoreOptions } from './redis-store';
export { IdempotencyTransaction } from './transaction';
export { IdempotencyEvents, type IdempotencyEvent, type IdempotencyEventType } from './events';
export type { IdempotencyMessageContext } from './message-context';
export type { IdempotentOptions } from './idempotent-options';
export { Idempotent } from './idempotent.decorator';
export { IdempotencyInterceptor } from './idempotency.interceptor';
export {
  IdempotencyStores,
  DEFAULT_LEASE_MS,
  type IdempotencyModuleOptions,
} from './idempotency-stores';
export { IdempotencyModule, type IdempotencyModuleAsyncOptions } from './idempotency.module';
