import { IdempotencyKeyInProgressError } from '../../../src/idempotency';
import { consumedMessage } from './replay-transport';
import { startOrdersApp, type OrdersApp } from './orders-app';
import { uniqueName, type StoreFactory } from './store-contract';
import type { Ledger } from './transactional-contract';

const countOf = (app: OrdersApp, type: string) => app.events.filter((e) => e.type === type).length;

async function until(what: string, check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `@Idempotent()` handlers in a real Nest microservice, over one kind of store. */
export function idempotentHandlerContract(factory: StoreFactory, ledger?: () => Ledger<unknown>) {
  let app: OrdersApp;
  let name: string;
  beforeEach(async () => {
    name = uniqueName();
    app = await startOrdersApp({ store: factory.create({ name }) }, ledger?.() ?? null);
  });
  afterEach(async () => {
    await app.close();
    await factory.drop(name);
    await ledger?.().clear();
  });

  test('replaying one message many times, in turn and at once, applies it exactly once', async () => {
    await app.transport.deliver('orders', consumedMessage({ id: 'order-1' }, ['order-1']));
    for (let i = 0; i < 4; i++) {
      await app.transport.deliver('orders', consumedMessage({ id: 'order-1' }, ['order-1']));
    }
    await Promise.all(
      Array.from({ length: 5 }, () =>
        app.transport.deliverUntilAcknowledged(
          'orders',
          consumedMessage({ id: 'order-1' }, ['order-1']),
        ),
      ),
    );
    expect(app.effects.applied).toEqual(['order-1']);
    expect(countOf(app, 'processed')).toBe(1);
    expect(countOf(app, 'duplicate')).toBe(9);
  });

  test('a failing handler releases the key and the redelivery runs it', async () => {
    app.effects.failuresLeft.set('order-2', 1);
    const message = consumedMessage({ id: 'order-2' }, ['order-2']);
    await expect(app.transport.deliver('flaky', message)).rejects.toMatchObject({
      status: 'error',
    });
    const released = app.events.find((e) => e.type === 'released');
    expect(released).toMatchObject({ key: 'order-2', msgId: message.msgId, topic: 'orders' });
    expect(String(released?.error)).toContain('transient failure for order-2');
    expect(app.effects.applied).toEqual([]);
    await app.transport.deliver('flaky', message);
    await app.transport.deliver('flaky', message);
    expect(app.effects.applied).toEqual(['order-2']);
    expect(app.events.map((e) => e.type)).toEqual(['released', 'processed', 'duplicate']);
  });

  test('a key still in progress is answered with a retriable error', async () => {
    app.effects.hold('order-3');
    const first = app.transport.deliver('slow', consumedMessage({ id: 'order-3' }, ['order-3']));
    await until('the first delivery to start', () => app.effects.started.has('order-3'));
    const second = app.transport.deliver('slow', consumedMessage({ id: 'order-3' }, ['order-3']));
    await expect(second).rejects.toBeInstanceOf(IdempotencyKeyInProgressError);
    app.effects.open('order-3');
    await first;
    await app.transport.deliver('slow', consumedMessage({ id: 'order-3' }, ['order-3']));
    expect(app.effects.applied).toEqual(['order-3']);
    expect(app.events.map((e) => e.type)).toEqual(['in-progress', 'processed', 'duplicate']);
  });

  if (ledger) {
    test('a transactional handler writes its business row exactly once', async () => {
      app.effects.failuresLeft.set('pay-1', 1);
      const replay = () => consumedMessage({ id: 'pay-1' }, ['pay-1'], 'payments');
      await expect(app.transport.deliver('payments', replay())).rejects.toBeDefined();
      await Promise.all(
        Array.from({ length: 4 }, () =>
          app.transport.deliverUntilAcknowledged('payments', replay()),
        ),
      );
      expect(await ledger().entries()).toEqual(['pay-1']);
      expect(countOf(app, 'processed')).toBe(1);
      expect(countOf(app, 'duplicate')).toBe(3);
    });
  }
}
