import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { NameServer } from '@rocketnest/namesrv';
import { ResponseCode, silentLogger } from '@rocketnest/protocol';
import { Broker, runBrokerUntilSignal } from '../src';
import { freePort } from '../../../test/support/ports';
import { tempDir } from '../../../test/support/temp-dir';
import { BrokerTestClient, createTopic } from './support/broker-test-client';
import { eventually, testBrokerOptions } from './support/cluster';

describe('broker lifecycle', () => {
  const opened: { close(): Promise<unknown> }[] = [];
  // Data dirs are made while tests are defined: tempDir registers its cleanup hook then.
  const dirs = {
    life: tempDir(),
    down: tempDir(),
    v6: tempDir(),
    signal: tempDir(),
    busy: tempDir(),
  };
  const store = (dataDir: string) => ({ store: { dataDir } });
  afterEach(async () => {
    for (const c of opened.splice(0).reverse()) await c.close();
  });

  async function nameServer(port = 0): Promise<{ ns: NameServer; addr: string }> {
    const ns = new NameServer({ host: '127.0.0.1', port, logger: silentLogger });
    const { port: bound } = await ns.start();
    opened.push({ close: () => ns.close(100) });
    return { ns, addr: `127.0.0.1:${bound}` };
  }

  function client(addr: string): BrokerTestClient {
    const c = new BrokerTestClient(addr);
    opened.push(c);
    return c;
  }

  it('answers a held pull, then closes: store flushed, unregistered from every name server', async () => {
    const [one, two] = [await nameServer(), await nameServer()];
    const broker = new Broker(testBrokerOptions([one.addr, two.addr], store(dirs.life)));
    const port = await broker.start();
    const addr = `127.0.0.1:${port}`;
    const c = client(addr);
    await createTopic(c, 'Life', 1);
    for (const ns of [one, two])
      expect(ns.ns.routes.getAllClusterInfo().brokerAddrTable['broker-a']).toBeDefined();
    await c.sendOk('Life', 'kept');
    const held = c.pull({ topic: 'Life', offset: 1, subscription: '*', suspendMs: 30_000 });
    await eventually('pull held', () => broker.heldPullRequests === 1);
    const closing = broker.close();
    const answer = await held;
    expect(answer.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(answer.header).toMatchObject({ nextBeginOffset: 1, maxOffset: 1 });
    // UNREGISTER_BROKER went out before held pulls were answered, over still-open connections.
    for (const ns of [one, two])
      expect(ns.ns.routes.getAllClusterInfo().brokerAddrTable['broker-a']).toBeUndefined();
    await closing;
    await expect(c.send('Life', 'late')).rejects.toThrow();

    // Everything acknowledged is there after a restart on the same data dir.
    const again = new Broker(testBrokerOptions([one.addr], store(dirs.life)));
    opened.push(again);
    const port2 = await again.start();
    const pulled = await client(`127.0.0.1:${port2}`).pull({
      topic: 'Life',
      offset: 0,
      subscription: '*',
    });
    expect(pulled.messages.map((m) => m.body.toString())).toEqual(['kept']);
    expect(pulled.messages[0]!.storeHost.port).toBe(port);
  });

  it('starts while a name server is down and registers once it is up', async () => {
    const nsPort = await freePort();
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (message: string) => void warnings.push(message) };
    const broker = new Broker(
      testBrokerOptions([`127.0.0.1:${nsPort}`], {
        ...store(dirs.down),
        registerPeriodMs: 100,
        registerTimeoutMs: 500,
        logger,
      }),
    );
    opened.push(broker);
    await broker.start();
    expect(warnings).toContain('REGISTER_BROKER failed');
    const { ns } = await nameServer(nsPort);
    await eventually(
      'registered after the name server came up',
      () => ns.routes.getAllClusterInfo().brokerAddrTable['broker-a'] !== undefined,
    );
  });

  it('fails to start on a busy port, closing its store so the data dir can be reused', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    opened.push({ close: () => new Promise((resolve) => blocker.close(resolve)) });
    const busyPort = (blocker.address() as AddressInfo).port;
    const broker = new Broker(testBrokerOptions([], { ...store(dirs.busy), port: busyPort }));
    await expect(broker.start()).rejects.toThrow(/EADDRINUSE/);
    await expect(broker.start()).rejects.toThrow(/create a new one/);
    const next = new Broker(testBrokerOptions([], store(dirs.busy)));
    opened.push(next);
    expect(await next.start()).toBeGreaterThan(0);
  });

  it('refuses a non-IPv4 advertised address (records carry IPv4 store hosts)', () => {
    expect(
      () => new Broker(testBrokerOptions([], { ...store(dirs.v6), advertisedAddress: '::1' })),
    ).toThrow(/IPv4/);
  });

  it('runBrokerUntilSignal closes the broker on SIGTERM and exits 0', async () => {
    const broker = new Broker(testBrokerOptions([], store(dirs.signal)));
    const exited: number[] = [];
    const port = await runBrokerUntilSignal(broker, { exit: (code) => exited.push(code) });
    expect(port).toBeGreaterThan(0);
    process.emit('SIGTERM', 'SIGTERM');
    await eventually('exit called', () => exited.length === 1);
    expect(exited).toEqual([0]);
    expect(broker.heldPullRequests).toBe(0);
    await expect(client(`127.0.0.1:${port}`).send('T', 'x')).rejects.toThrow();
  });
});
