import { randomUUID } from 'node:crypto';
import type * as PgModule from 'pg';
import type { Pool, PoolClient, PoolConfig } from 'pg';
import { IdempotencyConfigError, IdempotencyLeaseLostError } from './errors';
import { loadOptionalPeer } from './optional-peer';
import {
  type Acquisition,
  type IdempotencyLease,
  type IdempotencyStoreOptions,
  type TransactionalIdempotencyStore,
} from './store';
import { TableIdempotencyStore } from './table-store';

export interface PostgresIdempotencyStoreOptions extends IdempotencyStoreOptions {
  /** A pool the application owns (not ended by the store) ... */
  pool?: Pool;
  /** ... or connection options / a connection string for a pool the store opens and ends. */
  connection?: PoolConfig | string;
  /** Default `rocketnest_idempotency`. */
  tableName?: string;
}

/** Milliseconds since the epoch on the database's clock, so consumers' clock skew never matters. */
const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

/** PostgreSQL (pg): INSERT ... ON CONFLICT DO UPDATE ... WHERE for acquisition and takeover. */
export class PostgresIdempotencyStore
  extends TableIdempotencyStore
  implements TransactionalIdempotencyStore<PoolClient>
{
  private readonly pool: Pool;
  private readonly ownsPool: boolean;

  constructor(options: PostgresIdempotencyStoreOptions) {
    super(options);
    this.ownsPool = !options.pool;
    this.pool = options.pool ?? openPool(options.connection);
  }

  protected async createTable(): Promise<void> {
    await this.pool.query(postgresDdl(this.tableName));
  }

  async acquire(scope: string, key: string, leaseMs: number): Promise<Acquisition> {
    await this.beforeAcquire(scope, key, leaseMs);
    const t = this.tableName;
    const owner = randomUUID();
    // The WHERE on DO UPDATE is the lease takeover: only an expired row is overwritten.
    const won = await this.pool.query(
      `INSERT INTO ${t} (scope, idem_key, status, owner, expires_at, updated_at)
       VALUES ($1, $2, 'in_progress', $3, ${NOW_MS} + $4, ${NOW_MS})
       ON CONFLICT (scope, idem_key) DO UPDATE SET status = 'in_progress', owner = excluded.owner,
         expires_at = excluded.expires_at, updated_at = excluded.updated_at
       WHERE ${t}.expires_at IS NOT NULL AND ${t}.expires_at <= excluded.updated_at
       RETURNING owner`,
      [scope, key, owner, leaseMs],
    );
    if (won.rowCount === 1) return { status: 'acquired', lease: { scope, key, owner } };
    const row = await this.pool.query<{ status: string }>(
      `SELECT status FROM ${t} WHERE scope = $1 AND idem_key = $2`,
      [scope, key],
    );
    return { status: row.rows[0]?.status === 'done' ? 'duplicate' : 'in-progress' };
  }

  async complete(lease: IdempotencyLease): Promise<void> {
    await this.init();
    await this.markDone(this.pool, lease);
  }

  async release(lease: IdempotencyLease): Promise<boolean> {
    await this.init();
    const deleted = await this.pool.query(
      `DELETE FROM ${this.tableName}
       WHERE scope = $1 AND idem_key = $2 AND owner = $3 AND status = 'in_progress'`,
      [lease.scope, lease.key, lease.owner],
    );
    return deleted.rowCount === 1;
  }

  async purge(): Promise<number> {
    await this.init();
    const deleted = await this.pool.query(
      `DELETE FROM ${this.tableName} WHERE expires_at IS NOT NULL AND expires_at <= ${NOW_MS}`,
    );
    return deleted.rowCount ?? 0;
  }

  /** Holds one pooled connection and an open transaction for the handler's whole duration. */
  async completeInTransaction<T>(
    lease: IdempotencyLease,
    work: (tx: PoolClient) => Promise<T>,
  ): Promise<T> {
    await this.init();
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await this.markDone(client, lease);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      // A connection whose rollback failed is in an unknown state: destroy it, do not reuse it.
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }

  private async markDone(db: Pool | PoolClient, lease: IdempotencyLease): Promise<void> {
    const expiresAt = Number.isFinite(this.retentionMs) ? `${NOW_MS} + $4` : 'NULL';
    const retention = Number.isFinite(this.retentionMs) ? [this.retentionMs] : [];
    const updated = await db.query(
      `UPDATE ${this.tableName} SET status = 'done', expires_at = ${expiresAt}, updated_at = ${NOW_MS}
       WHERE scope = $1 AND idem_key = $2 AND owner = $3 AND status = 'in_progress'`,
      [lease.scope, lease.key, lease.owner, ...retention],
    );
    if (updated.rowCount !== 1) throw new IdempotencyLeaseLostError(lease.scope, lease.key);
  }
}

export function postgresDdl(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
  scope      VARCHAR(255) NOT NULL,
  idem_key   VARCHAR(255) NOT NULL,
  status     VARCHAR(16)  NOT NULL CHECK (status IN ('in_progress', 'done')),
  owner      VARCHAR(64)  NOT NULL,
  expires_at BIGINT,
  updated_at BIGINT       NOT NULL,
  PRIMARY KEY (scope, idem_key)
);
CREATE INDEX IF NOT EXISTS ${table}_expires_at ON ${table} (expires_at);`;
}

function openPool(connection: PoolConfig | string | undefined): Pool {
  if (!connection) {
    throw new IdempotencyConfigError('PostgresIdempotencyStore needs a pool or connection options');
  }
  const pg = loadOptionalPeer<typeof PgModule>('pg', 'PostgresIdempotencyStore');
  return new pg.Pool(
    typeof connection === 'string' ? { connectionString: connection } : connection,
  );
}
