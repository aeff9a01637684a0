import { setTimeout as sleep } from 'node:timers/promises';
import {
  IdempotencyLeaseLostError,
  type IdempotencyStore,
  type TransactionalIdempotencyStore,
} from '../../../src/idempotency';
import { useStores, type StoreFactory } from './store-contract';

/** A business table the handler writes to, through the store's transaction. */
export interface Ledger<Tx> {
  insert(tx: Tx, entry: string): Promise<void>;
  entries(): Promise<string[]>;
  clear(): Promise<void>;
}

interface TransactionalStoreFactory<Tx> extends StoreFactory {
  create(options: { name: string; retentionMs?: number }): TransactionalIdempotencyStore<Tx>;
}

/** SQL stores: the handler's writes and the key's done mark share one transaction. */
export function transactionalStoreContract<Tx>(
  factory: TransactionalStoreFactory<Tx>,
  ledger: () => Ledger<Tx>,
): void {
  const newStore = useStores(factory) as (
    options?: Parameters<ReturnType<typeof useStores>>[0],
  ) => { store: TransactionalIdempotencyStore<Tx>; name: string };
  afterEach(() => ledger().clear());

  async function lease(store: IdempotencyStore, key: string, leaseMs = 60_000) {
    const result = await store.acquire('s', key, leaseMs);
    if (result.status !== 'acquired') throw new Error(`could not acquire ${key}`);
    return result.lease;
  }

  test('the handler writes commit together with the done mark', async () => {
    const { store } = newStore();
    const result = await store.completeInTransaction(await lease(store, 'order-1'), async (tx) => {
      await ledger().insert(tx, 'order-1');
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(await ledger().entries()).toEqual(['order-1']);
    expect(await store.acquire('s', 'order-1', 60_000)).toEqual({ status: 'duplicate' });
  });

  test('a failing unit of work rolls its writes back and leaves the key to release', async () => {
    const { store } = newStore();
    const held = await lease(store, 'order-1');
    const failing = store.completeInTransaction(held, async (tx) => {
      await ledger().insert(tx, 'order-1');
      throw new Error('payment declined');
    });
    await expect(failing).rejects.toThrow('payment declined');
    expect(await ledger().entries()).toEqual([]);
    expect(await store.release(held)).toBe(true);
    expect((await store.acquire('s', 'order-1', 60_000)).status).toBe('acquired');
  });

  test('a lease taken over by another consumer rolls the late holder writes back', async () => {
    const { store, name } = newStore();
    const late = await lease(store, 'order-1', 300);
    await sleep(900);
    await lease(newStore({ name }).store, 'order-1');
    const attempt = store.completeInTransaction(late, (tx) => ledger().insert(tx, 'late'));
    await expect(attempt).rejects.toBeInstanceOf(IdempotencyLeaseLostError);
    expect(await ledger().entries()).toEqual([]);
  });
}
