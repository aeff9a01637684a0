import { Redis } from 'ioredis';
import { RedisIdempotencyStore } from '../../src/idempotency';
import { describeWithService } from '../../../../test/support/services';
import { REDIS } from './support/connections';
import { idempotentHandlerContract } from './support/handler-contract';
import { startOrdersApp } from './support/orders-app';
import { consumedMessage } from './support/replay-transport';
import { idempotencyStoreContract, uniqueName } from './support/store-contract';

describeWithService('redis', 'RedisIdempotencyStore', () => {
  const admin = new Redis({ ...REDIS, lazyConnect: true });
  afterAll(() => admin.quit());

  async function deleteKeys(prefix: string): Promise<void> {
    const keys: string[] = [];
    for await (const batch of admin.scanStream({ match: `${prefix}:*`, count: 500 })) {
      keys.push(...(batch as string[]));
    }
    if (keys.length > 0) await admin.del(...keys);
  }

  const factory = {
    create: ({ name, retentionMs }: { name: string; retentionMs?: number }) =>
      new RedisIdempotencyStore({ connection: REDIS, keyPrefix: name, retentionMs }),
    drop: deleteKeys,
    expiresNatively: true,
  };

  idempotencyStoreContract(factory);

  describe('behind @Idempotent() handlers', () => {
    idempotentHandlerContract(factory);
  });

  test('holds keys as expiring Redis keys under the prefix', async () => {
    const store = new RedisIdempotencyStore({
      client: admin,
      keyPrefix: 'rn_test_ttl',
      retentionMs: 60_000,
    });
    const result = await store.acquire('group:Orders.on', 'order-1', 5_000);
    const redisKey = store.redisKey('group:Orders.on', 'order-1');
    expect(redisKey).toBe('rn_test_ttl:group%3AOrders.on:order-1');
    expect(await admin.pttl(redisKey)).toBeGreaterThan(1_000);
    if (result.status !== 'acquired') throw new Error(result.status);
    await store.complete(result.lease);
    expect(await admin.pttl(redisKey)).toBeGreaterThan(5_000);
    await store.close();
    expect(admin.status).toBe('ready');
    await deleteKeys('rn_test_ttl');
  });

  test('a transactional handler over Redis fails before taking any key', async () => {
    const name = uniqueName();
    const app = await startOrdersApp({ store: factory.create({ name }) });
    const payment = consumedMessage({ id: 'pay-1' }, ['pay-1'], 'payments');
    await expect(app.transport.deliver('payments', payment)).rejects.toMatchObject({
      status: 'error',
    });
    expect(await admin.keys(`${name}:*`)).toEqual([]);
    expect(app.effects.applied).toEqual([]);
    await app.close();
  });
});
