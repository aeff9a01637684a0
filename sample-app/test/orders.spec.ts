import type { INestApplication } from '@nestjs/common';
import { Broker } from '@rocketnest/broker';
import { NameServer } from '@rocketnest/namesrv';
import { silentLogger } from '@rocketnest/protocol';
import { freePort } from '../../test/support/ports';
import { tempDir } from '../../test/support/temp-dir';
import { createApp } from '../src/main';

// Retries (levels 3, 4, ...) come back after 1 s; level 18, the sample's cancel delay here, is 3 s.
const DELAY_LEVELS = [...Array.from({ length: 17 }, () => '1s'), '3s'].join(' ');

jest.setTimeout(60_000);

describe('sample orders service (HTTP + RocketMQ, real broker)', () => {
  const dataDir = tempDir('rocketnest-sample-');
  let nameServer: NameServer;
  let broker: Broker;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    nameServer = new NameServer({ host: '127.0.0.1', port: 0, logger: silentLogger });
    const nameServerAddr = `127.0.0.1:${(await nameServer.start()).port}`;
    broker = new Broker({
      host: '127.0.0.1',
      port: 0,
      advertisedAddress: '127.0.0.1',
      namesrvAddrs: [nameServerAddr],
      logger: silentLogger,
      store: { dataDir: `${dataDir}/broker`, messageDelayLevel: DELAY_LEVELS },
    });
    await broker.start();
    app = await createApp({
      httpPort: await freePort(),
      nameServer: nameServerAddr,
      dataDir: `${dataDir}/app`,
      cancelDelayLevel: 18,
      analyticsWindowMs: 200,
    });
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    await broker?.close();
    await nameServer?.close(100);
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of many shapes, checked by the assertions
    return { status: res.status, body: (await res.json()) as any };
  };

  const eventually = async <T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await probe();
      if (ok(value)) return value;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const createOrder = (customer: string) =>
    call('POST', '/orders', { customer, lines: [{ sku: 'sku-lamp', quantity: 2 }] });

  it('publishes created, paid and shipped in order per order id; the orderly consumer sees that order', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createOrder(`customer-${i}`)).body.order.id);
    for (const id of ids) expect((await call('POST', `/orders/${id}/pay`)).status).toBe(200);
    for (const id of ids) expect((await call('POST', `/orders/${id}/ship`)).status).toBe(200);
    for (const id of ids) {
      const timeline = await eventually(
        `timeline of ${id}`,
        async () =>
          (await call('GET', `/orders/${id}/timeline`)).body as {
            status: string;
            queueId: number;
          }[],
        (t) => t.length >= 3,
      );
      expect(timeline.map((e) => e.status)).toEqual(['created', 'paid', 'shipped']);
      expect(new Set(timeline.map((e) => e.queueId)).size).toBe(1);
    }
  });

  it('refuses an illegal transition with 409 and a bad order with 400', async () => {
    const { body } = await createOrder('dave');
    expect((await call('POST', `/orders/${body.order.id}/ship`)).status).toBe(409);
    expect((await call('POST', '/orders', { customer: 'x', lines: [] })).status).toBe(400);
    expect((await call('GET', '/orders/nope')).status).toBe(404);
  });

  it('reserves stock once per payment however often the payment event is delivered', async () => {
    const before = (await call('GET', '/inventory')).body;
    const { body } = await createOrder('erin');
    await call('POST', `/orders/${body.order.id}/pay`);
    await call('POST', `/orders/${body.order.id}/replay`);
    await call('POST', `/orders/${body.order.id}/replay`);
    const after = await eventually(
      'the reservation',
      async () => (await call('GET', '/inventory')).body,
      (s) => s.reservations > before.reservations,
    );
    // Give the two duplicates time to arrive; they must not reserve again.
    await new Promise((r) => setTimeout(r, 1500));
    const settled = (await call('GET', '/inventory')).body;
    expect(settled.reservations).toBe(before.reservations + 1);
    expect(settled.stock['sku-lamp']).toBe(before.stock['sku-lamp'] - 2);
    expect(after.stock['sku-lamp']).toBe(settled.stock['sku-lamp']);
  });

  it('cancels an order that is not paid before its delayed check fires', async () => {
    const unpaid = (await createOrder('frank')).body.order.id;
    const paid = (await createOrder('grace')).body.order.id;
    await call('POST', `/orders/${paid}/pay`);
    expect((await call('GET', `/orders/${unpaid}`)).body.status).toBe('created');
    await eventually(
      'the cancellation',
      async () => (await call('GET', `/orders/${unpaid}`)).body.status,
      (s) => s === 'cancelled',
    );
    expect((await call('GET', `/orders/${paid}`)).body.status).toBe('paid');
  });

  it('answers a price quote over request-reply', async () => {
    const { status, body } = await call('GET', '/quotes?sku=sku-pen&quantity=10');
    expect(status).toBe(200);
    expect(body).toEqual({
      sku: 'sku-pen',
      quantity: 10,
      unitPrice: 1.2,
      discount: 0.1,
      total: 10.8,
    });
  });

  it('invalidates the cached price on every instance when a price changes (broadcast)', async () => {
    expect((await call('GET', '/catalog/sku-book/price')).body.price).toBe(12.5);
    await call('PUT', '/catalog/sku-book/price', { price: 15 });
    await eventually(
      'the invalidation',
      async () => (await call('GET', '/catalog')).body.invalidations,
      (n) => n >= 1,
    );
    expect((await call('GET', '/catalog/sku-book/price')).body.price).toBe(15);
  });

  it('retries a poison order, then parks it in the DLQ where the endpoint shows it', async () => {
    const id = (await createOrder('poison')).body.order.id;
    const dlq = await eventually(
      'the dead letter',
      async () => (await call('GET', '/fraud/dlq')).body,
      (d) => d.deadLetters.some((l: { body: { orderId: string } }) => l.body.orderId === id),
    );
    // The first delivery and two redeliveries failed (FRAUD_MAX_RECONSUME_TIMES defaults to 2).
    expect(dlq.failedAttempts).toBe(3);
  });

  it('counts order events per tag in time windows over the pull stream', async () => {
    const report = await eventually(
      'analytics windows',
      async () => (await call('GET', '/analytics')).body,
      (r) => (r.totals.created ?? 0) >= 5 && (r.totals.shipped ?? 0) >= 5,
    );
    expect(report.windows.length).toBeGreaterThan(0);
  });
});
