import { setTimeout as sleep } from 'node:timers/promises';
import {
  IdempotencyConfigError,
  IdempotencyError,
  IdempotencyLeaseLostError,
  type IdempotencyLease,
  type IdempotencyStore,
} from '../../../src/idempotency';

/** How a contract run makes stores of one kind. */
export interface StoreFactory {
  /** A new store (own connection) over the table or key prefix `name`. */
  create(options: { name: string; retentionMs?: number }): IdempotencyStore;
  /** Removes the table or keys of `name`. */
  drop(name: string): Promise<void>;
  /** Expired keys vanish by themselves (Redis TTL) rather than through purge(). */
  expiresNatively?: boolean;
}

const LONG_LEASE = 60_000;
/**
 * A retention or lease the tests outlive on purpose. Long enough that the steps a test expects to
 * run inside it (a few store round trips) fit even when a worker stalls for a few hundred ms.
 */
const SHORT_MS = 1000;
/** Comfortably past SHORT_MS on a busy two-core machine. */
const PAST_SHORT = 1500;

let sequence = 0;
/** Table names and key prefixes unique per process and run, so parallel runs never collide. */
export function uniqueName(prefix = 'idem'): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${sequence++}`;
}

/** Tracks the stores and names a test creates, and closes and drops them afterwards. */
export function useStores(factory: StoreFactory) {
  const stores: IdempotencyStore[] = [];
  const names = new Set<string>();
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    for (const name of names) await factory.drop(name);
    names.clear();
  });
  return (options: { name?: string; retentionMs?: number } = {}) => {
    const name = options.name ?? uniqueName();
    names.add(name);
    const store = factory.create({ ...options, name });
    stores.push(store);
    return { store, name };
  };
}

async function acquired(store: IdempotencyStore, scope: string, key: string, leaseMs = LONG_LEASE) {
  const result = await store.acquire(scope, key, leaseMs);
  if (result.status !== 'acquired')
    throw new Error(`expected to acquire ${key}, got ${result.status}`);
  return result.lease;
}

/** The behaviour every IdempotencyStore must have, run against a real store. */
export function idempotencyStoreContract(factory: StoreFactory): void {
  const newStore = useStores(factory);

  test('the first delivery of a key acquires it', async () => {
    const { store } = newStore();
    const result = await store.acquire('group:Handler.on', 'order-1', LONG_LEASE);
    expect(result).toEqual({
      status: 'acquired',
      lease: { scope: 'group:Handler.on', key: 'order-1', owner: expect.any(String) },
    });
  });

  test('a key marked done is a duplicate, also for another store instance', async () => {
    const { store, name } = newStore();
    await store.complete(await acquired(store, 's', 'order-1'));
    expect(await store.acquire('s', 'order-1', LONG_LEASE)).toEqual({ status: 'duplicate' });
    const other = newStore({ name }).store;
    expect(await other.acquire('s', 'order-1', LONG_LEASE)).toEqual({ status: 'duplicate' });
  });

  test('a key held by another consumer is in progress', async () => {
    const { store, name } = newStore();
    await acquired(store, 's', 'order-1');
    const other = newStore({ name }).store;
    expect(await other.acquire('s', 'order-1', LONG_LEASE)).toEqual({ status: 'in-progress' });
  });

  test('an expired lease is taken over and the crashed holder can no longer mark it', async () => {
    const { store } = newStore();
    const crashed = await acquired(store, 's', 'order-1', SHORT_MS);
    await sleep(PAST_SHORT);
    const takeover = await acquired(store, 's', 'order-1');
    expect(takeover.owner).not.toBe(crashed.owner);
    await expect(store.complete(crashed)).rejects.toBeInstanceOf(IdempotencyLeaseLostError);
    expect(await store.release(crashed)).toBe(false);
    expect(await store.acquire('s', 'order-1', LONG_LEASE)).toEqual({ status: 'in-progress' });
    await store.complete(takeover);
    expect(await store.acquire('s', 'order-1', LONG_LEASE)).toEqual({ status: 'duplicate' });
  });

  test('a released key can be acquired again by a retry', async () => {
    const { store } = newStore();
    const failed = await acquired(store, 's', 'order-1');
    expect(await store.release(failed)).toBe(true);
    const retry = await acquired(store, 's', 'order-1');
    await store.complete(retry);
    expect(await store.acquire('s', 'order-1', LONG_LEASE)).toEqual({ status: 'duplicate' });
  });

  test('only the holder can release or complete a key', async () => {
    const { store } = newStore();
    const lease = await acquired(store, 's', 'order-1');
    const impostor: IdempotencyLease = { ...lease, owner: 'someone-else' };
    expect(await store.release(impostor)).toBe(false);
    await expect(store.complete(impostor)).rejects.toBeInstanceOf(IdempotencyLeaseLostError);
    expect(await store.acquire('s', 'order-1', LONG_LEASE)).toEqual({ status: 'in-progress' });
  });

  test('of many concurrent acquirers of one key on several connections exactly one wins', async () => {
    const { store, name } = newStore();
    await store.init();
    const stores = [store, newStore({ name }).store, newStore({ name }).store];
    const attempts = stores.flatMap((s) =>
      Array.from({ length: 10 }, () => s.acquire('s', 'hot-key', LONG_LEASE)),
    );
    const statuses = (await Promise.all(attempts)).map((r) => r.status);
    expect(statuses.filter((s) => s === 'acquired')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'in-progress')).toHaveLength(29);
  });

  test('done keys are forgotten after the retention and purged', async () => {
    const { store } = newStore({ retentionMs: SHORT_MS });
    await store.complete(await acquired(store, 's', 'old'));
    await acquired(store, 's', 'crashed', SHORT_MS);
    expect(await store.purge()).toBe(0);
    expect(await store.acquire('s', 'old', LONG_LEASE)).toEqual({ status: 'duplicate' });
    await sleep(PAST_SHORT);
    await store.complete(await acquired(store, 's', 'recent'));
    expect(await store.purge()).toBe(factory.expiresNatively ? 0 : 2);
    expect(await store.acquire('s', 'recent', LONG_LEASE)).toEqual({ status: 'duplicate' });
    expect((await store.acquire('s', 'old', LONG_LEASE)).status).toBe('acquired');
    expect((await store.acquire('s', 'crashed', LONG_LEASE)).status).toBe('acquired');
  });

  test('an expired done key is acquirable even before a purge', async () => {
    const { store } = newStore({ retentionMs: SHORT_MS });
    await store.complete(await acquired(store, 's', 'old'));
    await sleep(PAST_SHORT);
    expect((await store.acquire('s', 'old', LONG_LEASE)).status).toBe('acquired');
  });

  test('the same key is independent in different scopes', async () => {
    const { store } = newStore();
    await store.complete(await acquired(store, 'group-a:Orders.on', 'order-1'));
    expect((await store.acquire('group-b:Orders.on', 'order-1', LONG_LEASE)).status).toBe(
      'acquired',
    );
    expect((await store.acquire('group-a:Audit.on', 'order-1', LONG_LEASE)).status).toBe(
      'acquired',
    );
    expect((await store.acquire('group-a:Orders.on', 'order-1', LONG_LEASE)).status).toBe(
      'duplicate',
    );
  });

  test('scopes containing separators never collide with keys', async () => {
    const { store } = newStore();
    await store.complete(await acquired(store, 'a:b', 'c'));
    expect((await store.acquire('a', 'b:c', LONG_LEASE)).status).toBe('acquired');
  });

  test('keys differing only in case are distinct', async () => {
    const { store } = newStore();
    await store.complete(await acquired(store, 's', 'Order-1'));
    expect((await store.acquire('s', 'order-1', LONG_LEASE)).status).toBe('acquired');
  });

  test('names that are not identifiers are rejected before touching the store', () => {
    for (const bad of ['x; DROP TABLE users', 'has space', '', 'a'.repeat(200), 'quote"d']) {
      expect(() => factory.create({ name: bad })).toThrow(IdempotencyConfigError);
    }
  });

  test('empty and over-long keys are rejected', async () => {
    const { store } = newStore();
    await expect(store.acquire('s', '', LONG_LEASE)).rejects.toBeInstanceOf(IdempotencyError);
    await expect(store.acquire('s', 'k'.repeat(256), LONG_LEASE)).rejects.toThrow(/at most 255/);
    await expect(store.acquire('', 'k', LONG_LEASE)).rejects.toThrow(/scope/);
    await expect(store.acquire('s', 'k', 0)).rejects.toThrow(/leaseMs/);
  });
}
