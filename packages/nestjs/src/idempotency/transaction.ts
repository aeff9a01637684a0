import { AsyncLocalStorage } from 'node:async_hooks';
import { IdempotencyError } from './errors';

const storage = new AsyncLocalStorage<{ tx: unknown }>();

/**
 * The database transaction of the current `@Idempotent({ transactional: true })` handler: do the
 * handler's business writes through it and they commit together with the key's "done" mark.
 * The type is the store's connection: better-sqlite3 `Database`, pg `PoolClient` or mysql2
 * `PoolConnection`.
 */
export const IdempotencyTransaction = {
  /** The open transaction; throws when the caller is not inside a transactional handler. */
  current<Tx>(): Tx {
    const holder = storage.getStore();
    if (!holder) {
      throw new IdempotencyError(
        'no idempotency transaction: call IdempotencyTransaction.current() inside a handler decorated with @Idempotent({ transactional: true })',
      );
    }
    return holder.tx as Tx;
  },

  /** The open transaction, or undefined outside a transactional handler. */
  find<Tx>(): Tx | undefined {
    return storage.getStore()?.tx as Tx | undefined;
  },
};

/** Runs `fn` (and everything it starts) with `tx` as the current idempotency transaction. */
export function runWithIdempotencyTransaction<T>(tx: unknown, fn: () => T): T {
  return storage.run({ tx }, fn);
}
