/** The result of trying to take a key. */
export type Acquisition =
  | { status: 'acquired'; lease: IdempotencyLease }
  | { status: 'duplicate' }
  | { status: 'in-progress' };

/** Proof that this consumer holds a key: only the holder may mark it done or release it. */
export interface IdempotencyLease {
  readonly scope: string;
  readonly key: string;
  /** Random per acquisition, so a consumer whose lease was taken over cannot touch the key. */
  readonly owner: string;
}

/**
 * Records business keys per scope (consumer group and handler). Every operation is atomic in the
 * store itself; none is a check followed by a write.
 */
export interface IdempotencyStore {
  /** Creates the table (or checks the connection) once; every other method calls it first. */
  init(): Promise<void>;
  /**
   * Takes the key for `leaseMs`: a new key, one whose lease expired (a crashed consumer), or a
   * done key past its retention is acquired; a done key is a duplicate; a held one is in progress.
   */
  acquire(scope: string, key: string, leaseMs: number): Promise<Acquisition>;
  /** Marks the key done; throws IdempotencyLeaseLostError when another consumer took it over. */
  complete(lease: IdempotencyLease): Promise<void>;
  /** Forgets a held key after a failure, so a retry can acquire it. False if no longer held. */
  release(lease: IdempotencyLease): Promise<boolean>;
  /** Deletes done keys past retention and expired leases; returns how many were deleted. */
  purge(): Promise<number>;
  /** Closes connections the store opened itself (never a pool or client it was given). */
  close(): Promise<void>;
}

/** A store that can run the handler's work and mark the key done in one database transaction. */
export interface TransactionalIdempotencyStore<Tx = unknown> extends IdempotencyStore {
  /**
   * Opens a transaction, runs `work` with it, marks the key done in it and commits; any error
   * (including a lost lease) rolls everything back.
   */
  completeInTransaction<T>(lease: IdempotencyLease, work: (tx: Tx) => Promise<T>): Promise<T>;
}

export function isTransactional(store: IdempotencyStore): store is TransactionalIdempotencyStore {
  return (
    typeof (store as Partial<TransactionalIdempotencyStore>).completeInTransaction === 'function'
  );
}

/** Options every store shares. */
export interface IdempotencyStoreOptions {
  /** How long a done key is remembered, in ms (default 7 days); Infinity keeps keys forever. */
  retentionMs?: number;
}

export const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
