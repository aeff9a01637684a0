import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { IdempotencyLeaseLostError } from './errors';
import { SerialLock } from './serial-lock';
import {
  type Acquisition,
  type IdempotencyLease,
  type IdempotencyStoreOptions,
  type TransactionalIdempotencyStore,
} from './store';
import { TableIdempotencyStore } from './table-store';

export interface SqliteIdempotencyStoreOptions extends IdempotencyStoreOptions {
  /** Database file (created with its directory); default `data/idempotency.sqlite` under cwd. */
  filename?: string;
  /** An open database to use instead of `filename` (not closed by the store). */
  database?: Database.Database;
  /** Default `rocketnest_idempotency`. */
  tableName?: string;
  /** How long a write waits for another process's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
}

export const DEFAULT_SQLITE_FILENAME = 'data/idempotency.sqlite';

/**
 * The embedded default: a WAL-mode SQLite file. better-sqlite3 is synchronous, so each statement
 * is atomic in this process; operations and transactions are serialized so an open transaction
 * never absorbs another handler's statements.
 */
export class SqliteIdempotencyStore
  extends TableIdempotencyStore
  implements TransactionalIdempotencyStore<Database.Database>
{
  private readonly db: Database.Database;
  private readonly ownsDatabase: boolean;
  private readonly lock = new SerialLock();
  private statements?: Statements;

  constructor(options: SqliteIdempotencyStoreOptions = {}) {
    super(options);
    this.ownsDatabase = !options.database;
    this.db = options.database ?? openFile(options.filename ?? DEFAULT_SQLITE_FILENAME);
    this.db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  }

  async acquire(scope: string, key: string, leaseMs: number): Promise<Acquisition> {
    await this.beforeAcquire(scope, key, leaseMs);
    return this.lock.run(() => {
      const owner = randomUUID();
      const now = Date.now();
      const won = this.sql().acquire.get(scope, key, owner, now + leaseMs, now);
      if (won) return { status: 'acquired', lease: { scope, key, owner } };
      const row = this.sql().status.get(scope, key) as { status: string } | undefined;
      return { status: row?.status === 'done' ? 'duplicate' : 'in-progress' };
    });
  }

  async complete(lease: IdempotencyLease): Promise<void> {
    await this.init();
    await this.lock.run(() => this.markDone(lease));
  }

  async release(lease: IdempotencyLease): Promise<boolean> {
    await this.init();
    return this.lock.run(
      () => this.sql().release.run(lease.scope, lease.key, lease.owner).changes === 1,
    );
  }

  async purge(): Promise<number> {
    await this.init();
    return this.lock.run(() => this.sql().purge.run(Date.now()).changes);
  }

  /**
   * Holds SQLite's single write lock (BEGIN IMMEDIATE) for the whole handler: other idempotent
   * handlers of this store wait until it commits.
   */
  async completeInTransaction<T>(
    lease: IdempotencyLease,
    work: (tx: Database.Database) => Promise<T>,
  ): Promise<T> {
    await this.init();
    return this.lock.run(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.db);
        this.markDone(lease);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.lock.run(() => {
      if (this.ownsDatabase && this.db.open) this.db.close();
    });
  }

  private markDone(lease: IdempotencyLease): void {
    const now = Date.now();
    const expiresAt = Number.isFinite(this.retentionMs) ? now + this.retentionMs : null;
    const changed = this.sql().complete.run(expiresAt, now, lease.scope, lease.key, lease.owner);
    if (changed.changes !== 1) throw new IdempotencyLeaseLostError(lease.scope, lease.key);
  }

  protected createTable(): void {
    this.db.exec(sqliteDdl(this.tableName));
    this.statements = prepareStatements(this.db, this.tableName);
  }

  /** Only called after init(), which prepared the statements. */
  private sql(): Statements {
    return this.statements!;
  }
}

type Statements = ReturnType<typeof prepareStatements>;

function prepareStatements(db: Database.Database, t: string) {
  return {
    // The WHERE on DO UPDATE is the lease takeover: only an expired row is overwritten.
    acquire: db.prepare(
      `INSERT INTO ${t} (scope, idem_key, status, owner, expires_at, updated_at)
         VALUES (?, ?, 'in_progress', ?, ?, ?)
         ON CONFLICT (scope, idem_key) DO UPDATE SET status = 'in_progress', owner = excluded.owner,
           expires_at = excluded.expires_at, updated_at = excluded.updated_at
         WHERE ${t}.expires_at IS NOT NULL AND ${t}.expires_at <= excluded.updated_at
         RETURNING owner`,
    ),
    status: db.prepare(`SELECT status FROM ${t} WHERE scope = ? AND idem_key = ?`),
    complete: db.prepare(
      `UPDATE ${t} SET status = 'done', expires_at = ?, updated_at = ?
         WHERE scope = ? AND idem_key = ? AND owner = ? AND status = 'in_progress'`,
    ),
    release: db.prepare(
      `DELETE FROM ${t} WHERE scope = ? AND idem_key = ? AND owner = ? AND status = 'in_progress'`,
    ),
    purge: db.prepare(`DELETE FROM ${t} WHERE expires_at IS NOT NULL AND expires_at <= ?`),
  };
}

export function sqliteDdl(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
  scope      TEXT    NOT NULL,
  idem_key   TEXT    NOT NULL,
  status     TEXT    NOT NULL CHECK (status IN ('in_progress', 'done')),
  owner      TEXT    NOT NULL,
  expires_at INTEGER,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (scope, idem_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ${table}_expires_at ON ${table} (expires_at);`;
}

function openFile(filename: string): Database.Database {
  if (filename !== ':memory:') mkdirSync(dirname(resolve(filename)), { recursive: true });
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  return db;
}
