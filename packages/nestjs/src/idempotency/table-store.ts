import { LazyInit } from './lazy-init';
import { DEFAULT_RETENTION_MS, type IdempotencyStoreOptions } from './store';
import { checkLease, checkRetention, checkScopeAndKey, checkTableName } from './validation';

/** What every SQL store takes besides its connection. */
export interface TableStoreOptions extends IdempotencyStoreOptions {
  /** Default `rocketnest_idempotency`. */
  tableName?: string;
}

/**
 * What the SQL stores share: the checked table name and retention, the table created once on
 * first use (retried after a failure), and the checks every acquisition starts with.
 */
export abstract class TableIdempotencyStore {
  readonly tableName: string;
  protected readonly retentionMs: number;
  private readonly ready = new LazyInit(async () => this.createTable());

  protected constructor(options: TableStoreOptions) {
    this.tableName = checkTableName(options.tableName ?? 'rocketnest_idempotency');
    this.retentionMs = checkRetention(options.retentionMs ?? DEFAULT_RETENTION_MS);
  }

  init(): Promise<void> {
    return this.ready.run();
  }

  protected abstract createTable(): Promise<void> | void;

  /** Checks an acquisition's arguments; once it resolves the table exists. */
  protected async beforeAcquire(scope: string, key: string, leaseMs: number): Promise<void> {
    checkScopeAndKey(scope, key);
    checkLease(leaseMs);
    await this.init();
  }
}
