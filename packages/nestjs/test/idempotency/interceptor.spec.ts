import { join } from 'node:path';
import { ConsoleLogger } from '@nestjs/common';
import {
  IdempotencyConfigError,
  IdempotencyKeyMissingError,
  IdempotencyModule,
  IdempotencyStores,
  SqliteIdempotencyStore,
} from '../../src/idempotency';
import { RocketMQDeadLetterException } from '../../src/errors/rocketmq-dead-letter.exception';
import { loadOptionalPeer } from '../../src/idempotency/optional-peer';
import { tempDir } from '../../../../test/support/temp-dir';
import { consumedMessage } from './support/replay-transport';
import { startOrdersApp, type OrdersApp } from './support/orders-app';

const dir = tempDir('rocketnest-idem-');
const sqlite = (name: string) =>
  new SqliteIdempotencyStore({ filename: join(dir, `${name}.sqlite`) });

class RecordingLogger extends ConsoleLogger {
  readonly lines: string[] = [];
  override log(message: unknown, context?: string): void {
    this.lines.push(`${context}: ${String(message)}`);
  }

  override error(message: unknown): void {
    this.lines.push(`error: ${String(message)}`);
  }
}

describe('@Idempotent() keys, scopes and stores', () => {
  let app: OrdersApp;
  let logger: RecordingLogger;
  beforeEach(async () => {
    logger = new RecordingLogger();
    const name = expect.getState().currentTestName!.replace(/\W+/g, '_');
    app = await startOrdersApp({ store: sqlite(name) }, null, logger);
  });
  afterEach(() => app.close());

  test('a message without keys is a dead letter, not silently keyed by its msgId', async () => {
    const delivery = app.transport.deliver('orders', consumedMessage({ id: 'order-1' }));
    await expect(delivery).rejects.toBeInstanceOf(IdempotencyKeyMissingError);
    await expect(delivery).rejects.toBeInstanceOf(RocketMQDeadLetterException);
    await expect(delivery).rejects.toThrow(/has no idempotency key for OrdersController.onOrder/);
    expect(app.effects.applied).toEqual([]);
    expect(app.events).toEqual([]);
  });

  test('the first key of the message is the default key, whatever the msgId', async () => {
    await app.transport.deliver('orders', consumedMessage({ id: 'a' }, ['order-1', 'customer-9']));
    await app.transport.deliver('orders', consumedMessage({ id: 'b' }, ['order-1']));
    await app.transport.deliver('orders', consumedMessage({ id: 'c' }, ['customer-9']));
    expect(app.effects.applied).toEqual(['a', 'c']);
  });

  test('fallbackToMsgId keys a keyless message by its msgId', async () => {
    const message = consumedMessage({ id: 'x' });
    await app.transport.deliver('by-msg-id', message);
    await app.transport.deliver('by-msg-id', message);
    await app.transport.deliver('by-msg-id', consumedMessage({ id: 'y' }));
    expect(app.effects.applied).toEqual(['x', 'y']);
    expect(app.events.map((e) => e.key)).toEqual([
      message.msgId,
      message.msgId,
      expect.any(String),
    ]);
  });

  test('a key taken from the payload dedups request-reply calls; a duplicate replies nothing', async () => {
    const reply = await app.transport.deliver('quote', consumedMessage({ id: 'order-7' }));
    expect(reply).toEqual([{ id: 'order-7', msgId: expect.any(String) }]);
    expect(await app.transport.deliver('quote', consumedMessage({ id: 'order-7' }))).toEqual([
      undefined,
    ]);
    expect(app.effects.applied).toEqual(['order-7']);
  });

  test('the same key is handled once per handler and once per consumer group', async () => {
    const message = () => consumedMessage({ id: 'order-1' }, ['order-1']);
    await app.transport.deliver('orders', message(), 'group-a');
    await app.transport.deliver('flaky', message(), 'group-a');
    await app.transport.deliver('orders', message(), 'group-b');
    await app.transport.deliver('orders', message(), 'group-a');
    expect(app.effects.applied).toEqual(['order-1', 'order-1', 'order-1']);
    expect(app.events.map((e) => `${e.type} ${e.scope}`)).toEqual([
      'processed group-a:OrdersController.onOrder',
      'processed group-a:OrdersController.onFlaky',
      'processed group-b:OrdersController.onOrder',
      'duplicate group-a:OrdersController.onOrder',
    ]);
  });

  test('duplicates are logged with their key, msgId and topic', async () => {
    await app.transport.deliver('orders', consumedMessage({ id: 'o' }, ['order-5']));
    const duplicate = consumedMessage({ id: 'o' }, ['order-5']);
    await app.transport.deliver('orders', duplicate);
    expect(logger.lines).toContainEqual(
      `Idempotency: duplicate skipped: key "order-5" (scope "test-group:OrdersController.onOrder") msgId ${duplicate.msgId} topic orders`,
    );
  });

  test('a handler naming a store the module lacks fails with the known store names', async () => {
    const delivery = app.transport.deliver('audit', consumedMessage({ id: 'o' }, ['order-1']));
    await expect(delivery).rejects.toMatchObject({ status: 'error' });
    expect(logger.lines).toContainEqual(
      'error: IdempotencyConfigError: no idempotency store named "audit"; IdempotencyModule has: default',
    );
    expect(app.effects.applied).toEqual([]);
  });
});

describe('IdempotencyModule', () => {
  test('named stores and explicit scopes are used by the handlers that ask for them', async () => {
    const audit = sqlite('audit');
    const app = await startOrdersApp({ store: sqlite('main'), stores: { audit } });
    await app.transport.deliver('audit', consumedMessage({ id: 'o' }, ['order-1']), 'group-a');
    await app.transport.deliver('audit', consumedMessage({ id: 'o' }, ['order-1']), 'group-b');
    expect(app.effects.applied).toEqual(['audit:o']);
    expect(app.events.map((e) => [e.type, e.store, e.scope])).toEqual([
      ['processed', 'audit', 'audit-log'],
      ['duplicate', 'audit', 'audit-log'],
    ]);
    await app.close();
  });

  test('forRootAsync builds the options from injected providers', async () => {
    const store = sqlite('async');
    const { Test } = await import('@nestjs/testing');
    const moduleRef = await Test.createTestingModule({
      imports: [
        IdempotencyModule.forRootAsync({
          useFactory: (leaseMs: number) => ({ store, leaseMs }),
          inject: ['LEASE_MS'],
          imports: [
            {
              module: class LeaseModule {},
              providers: [{ provide: 'LEASE_MS', useValue: 1234 }],
              exports: ['LEASE_MS'],
            },
          ],
        }),
      ],
    }).compile();
    const stores = moduleRef.get(IdempotencyStores);
    expect(stores.leaseMs).toBe(1234);
    expect(stores.get()).toBe(store);
    expect(() => stores.get('missing')).toThrow(/no idempotency store named "missing"/);
    await moduleRef.close();
  });
});

test('a missing optional driver is a config error naming the package to install', () => {
  expect(() => loadOptionalPeer('rocketnest-absent-driver/promise', 'SomeStore')).toThrow(
    new IdempotencyConfigError(
      'SomeStore needs the optional package "rocketnest-absent-driver/promise": run npm install rocketnest-absent-driver',
    ),
  );
});
