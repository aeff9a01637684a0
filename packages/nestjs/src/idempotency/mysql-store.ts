import { randomUUID } from 'node:crypto';
import type * as MysqlModule from 'mysql2/promise';
import type {
  Pool,
  PoolConnection,
  PoolOptions,
  ResultSetHeader,
  RowDataPacket,
} from 'mysql2/promise';
import { IdempotencyConfigError, IdempotencyLeaseLostError } from './errors';
import { loadOptionalPeer } from './optional-peer';
import {
  type Acquisition,
  type IdempotencyLease,
  type IdempotencyStoreOptions,
  type TransactionalIdempotencyStore,
} from './store';
import { TableIdempotencyStore } from './table-store';

export interface MysqlIdempotencyStoreOptions extends IdempotencyStoreOptions {
  /** A mysql2/promise pool the application owns (not ended by the store) ... */
  pool?: Pool;
  /** ... or pool options / a connection URI for a pool the store opens and ends. */
  connection?: PoolOptions | string;
  /** Default `rocketnest_idempotency`. */
  tableName?: string;
}

/** Milliseconds since the epoch on the database's clock, so consumers' clock skew never matters. */
const NOW_MS = 'CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)';

/**
 * MySQL and MariaDB (mysql2): INSERT IGNORE takes a new key, a conditional UPDATE takes over an
 * expired one; both are single atomic statements under InnoDB's row locks.
 */
export class MysqlIdempotencyStore
  extends TableIdempotencyStore
  implements TransactionalIdempotencyStore<PoolConnection>
{
  private readonly pool: Pool;
  private readonly ownsPool: boolean;

  constructor(options: MysqlIdempotencyStoreOptions) {
    super(options);
    this.ownsPool = !options.pool;
    this.pool = options.pool ?? openPool(options.connection);
  }

  protected async createTable(): Promise<void> {
    await this.pool.query(mysqlDdl(this.tableName));
  }

  async acquire(scope: string, key: string, leaseMs: number): Promise<Acquisition> {
    await this.beforeAcquire(scope, key, leaseMs);
    const owner = randomUUID();
    const acquired = { status: 'acquired', lease: { scope, key, owner } } as const;
    if (
      (await this.insertNew(scope, key, owner, leaseMs)) ||
      (await this.takeOver(acquired.lease, leaseMs))
    ) {
      return acquired;
    }
    const [rows] = await this.pool.execute<RowDataPacket[]>(
      `SELECT status FROM ${this.tableName} WHERE scope = ? AND idem_key = ?`,
      [scope, key],
    );
    return { status: rows[0]?.status === 'done' ? 'duplicate' : 'in-progress' };
  }

  async complete(lease: IdempotencyLease): Promise<void> {
    await this.init();
    await this.markDone(this.pool, lease);
  }

  async release(lease: IdempotencyLease): Promise<boolean> {
    await this.init();
    const [deleted] = await this.pool.execute<ResultSetHeader>(
      `DELETE FROM ${this.tableName}
       WHERE scope = ? AND idem_key = ? AND owner = ? AND status = 'in_progress'`,
      [lease.scope, lease.key, lease.owner],
    );
    return deleted.affectedRows === 1;
  }

  async purge(): Promise<number> {
    await this.init();
    const [deleted] = await this.pool.execute<ResultSetHeader>(
      `DELETE FROM ${this.tableName} WHERE expires_at IS NOT NULL AND expires_at <= ${NOW_MS}`,
    );
    return deleted.affectedRows;
  }

  /** Holds one pooled connection and an open transaction for the handler's whole duration. */
  async completeInTransaction<T>(
    lease: IdempotencyLease,
    work: (tx: PoolConnection) => Promise<T>,
  ): Promise<T> {
    await this.init();
    const connection = await this.pool.getConnection();
    let reusable = true;
    try {
      await connection.beginTransaction();
      const result = await work(connection);
      await this.markDone(connection, lease);
      await connection.commit();
      return result;
    } catch (error) {
      await connection.rollback().catch(() => (reusable = false));
      throw error;
    } finally {
      // A connection whose rollback failed is in an unknown state: destroy it, do not reuse it.
      if (reusable) connection.release();
      else connection.destroy();
    }
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }

  private async insertNew(scope: string, key: string, owner: string, leaseMs: number) {
    // Lengths are checked before, so IGNORE only ever ignores the duplicate primary key.
    const [inserted] = await this.pool.execute<ResultSetHeader>(
      `INSERT IGNORE INTO ${this.tableName} (scope, idem_key, status, owner, expires_at, updated_at)
       VALUES (?, ?, 'in_progress', ?, ${NOW_MS} + ?, ${NOW_MS})`,
      [scope, key, owner, leaseMs],
    );
    return inserted.affectedRows === 1;
  }

  private async takeOver(lease: IdempotencyLease, leaseMs: number): Promise<boolean> {
    const [updated] = await this.pool.execute<ResultSetHeader>(
      `UPDATE ${this.tableName}
       SET status = 'in_progress', owner = ?, expires_at = ${NOW_MS} + ?, updated_at = ${NOW_MS}
       WHERE scope = ? AND idem_key = ? AND expires_at IS NOT NULL AND expires_at <= ${NOW_MS}`,
      [lease.owner, leaseMs, lease.scope, lease.key],
    );
    return updated.affectedRows === 1;
  }

  private async markDone(db: Pool | PoolConnection, lease: IdempotencyLease): Promise<void> {
    const finite = Number.isFinite(this.retentionMs);
    const [updated] = await db.execute<ResultSetHeader>(
      `UPDATE ${this.tableName}
       SET status = 'done', expires_at = ${finite ? `${NOW_MS} + ?` : 'NULL'}, updated_at = ${NOW_MS}
       WHERE scope = ? AND idem_key = ? AND owner = ? AND status = 'in_progress'`,
      [...(finite ? [this.retentionMs] : []), lease.scope, lease.key, lease.owner],
    );
    if (updated.affectedRows !== 1) throw new IdempotencyLeaseLostError(lease.scope, lease.key);
  }
}

/** Binary collation: keys compare byte for byte (the default collations ignore case). */
export function mysqlDdl(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
  scope      VARCHAR(255) NOT NULL,
  idem_key   VARCHAR(255) NOT NULL,
  status     VARCHAR(16)  NOT NULL,
  owner      VARCHAR(64)  NOT NULL,
  expires_at BIGINT       NULL,
  updated_at BIGINT       NOT NULL,
  PRIMARY KEY (scope, idem_key),
  INDEX ${table}_expires_at (expires_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin`;
}

function openPool(connection: PoolOptions | string | undefined): Pool {
  if (!connection) {
    throw new IdempotencyConfigError('MysqlIdempotencyStore needs a pool or connection options');
  }
  const mysql = loadOptionalPeer<typeof MysqlModule>('mysql2/promise', 'MysqlIdempotencyStore');
  return typeof connection === 'string'
    ? mysql.createPool(connection)
    : mysql.createPool(connection);
}
