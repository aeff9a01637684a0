import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startNodeProcess } from '../../../test/support/child-process';
import { tempDir } from '../../../test/support/temp-dir';
import { eventually } from '../../client/test/support/cluster';
import { rocketnest, startServer, type CliResult } from './cli-harness';
import { NEST_NEW_APP_MODULE, ROOT_NODE_MODULES, createNestApp } from './nest-app-fixture';

const GENERATED = [
  'order-events.consumer.spec.ts',
  'order-events.consumer.ts',
  'order-events.messages.ts',
  'order-events.module.ts',
  'order-events.producer.spec.ts',
  'order-events.producer.ts',
];

/** `node <script> ...args` in `cwd`; resolves with the exit code and both outputs. */
function runNode(script: string, args: string[], cwd: string) {
  return new Promise<{ status: number; output: string }>((resolve) => {
    const env = { ...process.env, JEST_WORKER_ID: undefined };
    execFile(process.execPath, [script, ...args], { cwd, env }, (err, stdout, stderr) => {
      const status = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ status, output: `${stdout}${stderr}` });
    });
  });
}

/**
 * Boots the compiled app as its README says (AppModule + RocketMQServer), and sends an event,
 * the same event again (a producer retry) and a second event of the same id. Consumers start
 * from the first offset: sending needs no wait for the first rebalance.
 */
const SMOKE_SCRIPT = `process.chdir(__dirname);
const { NestFactory } = require('@nestjs/core');
const { RocketMQServer } = require('@rocketnest/nestjs');
const { AppModule } = require('./dist/app.module');
const { OrderEventsProducer } = require('./dist/order-events/order-events.producer');

(async () => {
  const app = await NestFactory.create(AppModule, { logger: ['log', 'warn', 'error'] });
  app.connectMicroservice({
    strategy: new RocketMQServer({
      nameServer: process.env.ROCKETNEST_NAMESRV,
      group: 'order-events-consumer',
      consumer: { consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' },
    }),
  });
  await app.startAllMicroservices();
  await app.init();
  const producer = app.get(OrderEventsProducer);
  const created = { id: 'o-1', type: 'created', occurredAt: new Date().toISOString() };
  await producer.publish(created);
  await producer.publish(created);
  await producer.publish({ ...created, type: 'updated' });
  console.log('sent 3');
})();
`;

const read = (app: string, path: string) => readFileSync(join(app, path), 'utf8');

describe('a service generated into a fresh Nest app', () => {
  let app: string;
  let generated: CliResult;
  let tsc: { status: number; output: string };

  beforeAll(async () => {
    app = createNestApp(tempDir());
    generated = await rocketnest(['generate', 'order-events', '--path', app]);
    tsc = await runNode(join(ROOT_NODE_MODULES, 'typescript/bin/tsc'), ['-p', app], app);
  }, 60_000);

  it('is written under src/<name>/ and imported by the AppModule', () => {
    expect(generated.status).toBe(0);
    expect(readdirSync(join(app, 'src', 'order-events')).sort()).toEqual(GENERATED);
    expect(generated.stdout).toContain('created src/order-events/order-events.module.ts\n');
    expect(generated.stdout).toContain(
      'added OrderEventsModule to the imports of src/app.module.ts',
    );
    expect(generated.stdout).toContain(
      "app.connectMicroservice({ strategy: new RocketMQServer({ nameServer: process.env.ROCKETNEST_NAMESRV ?? '127.0.0.1:9876', group: 'order-events-consumer' }) });",
    );
    expect(read(app, 'src/app.module.ts')).toBe(
      NEST_NEW_APP_MODULE.replace(
        "import { AppService } from './app.service';\n",
        "import { AppService } from './app.service';\nimport { OrderEventsModule } from './order-events/order-events.module';\n",
      ).replace('imports: [],', 'imports: [OrderEventsModule],'),
    );
  });

  it('compiles with the app under strict tsc', () => {
    expect(tsc).toEqual({ status: 0, output: '' });
    expect(existsSync(join(app, 'dist', 'order-events', 'order-events.module.js'))).toBe(true);
  });

  it("passes its own tests with the app's jest", async () => {
    const jest = await runNode(
      join(ROOT_NODE_MODULES, 'jest/bin/jest.js'),
      ['--rootDir', app, '--config', join(app, 'jest.config.js'), '--ci'],
      app,
    );
    expect(jest.output).toMatch(/Tests:\s+6 passed, 6 total/);
    expect(jest.status).toBe(0);
  }, 60_000);

  it('consumes what its producer sends on a real broker: in order, and once per key', async () => {
    const { namesrv, server } = await startServer();
    try {
      const env = { ROCKETNEST_NAMESRV: namesrv };
      expect((await rocketnest(['topic', 'create', 'order-events'], { env })).status).toBe(0);
      writeFileSync(join(app, 'smoke.js'), SMOKE_SCRIPT);
      const smoke = await startNodeProcess(join(app, 'smoke.js'), [], /sent 3\n/, {
        env,
        timeoutMs: 30_000,
      });
      const count = (line: string) => smoke.output().split(line).length - 1;
      await eventually(
        'every handler got every message',
        () =>
          count('created o-1 (msgId') === 2 &&
          count('updated o-1 (msgId') === 1 &&
          count('in order: o-1') === 3 &&
          count('once: o-1 updated') === 1 &&
          count('duplicate skipped') === 1,
        30_000,
      );
      const ordered = smoke.output().match(/in order: o-1 \w+/g);
      expect(ordered).toEqual([
        'in order: o-1 created',
        'in order: o-1 created',
        'in order: o-1 updated',
      ]);
      expect(count('once: o-1 created')).toBe(1);
      expect(existsSync(join(app, 'data', 'idempotency.sqlite'))).toBe(true);
      await smoke.stop('SIGKILL');
    } finally {
      await server.stop('SIGTERM');
    }
  }, 90_000);
});

describe('rocketnest generate (the real binary)', () => {
  it('refuses to overwrite generated files without --force, and overwrites them with it', async () => {
    const app = createNestApp(tempDir());
    await rocketnest(['generate', 'order-events', '--path', app]);
    const consumer = join('src', 'order-events', 'order-events.consumer.ts');
    const edited = '// the user edited this\n';
    writeFileSync(join(app, consumer), edited);

    const refused = await rocketnest(['generate', 'order-events', '--path', app]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`rocketnest: refusing to overwrite src/order-events/`);
    expect(refused.stderr).toContain('pass --force to overwrite');
    expect(read(app, consumer)).toBe(edited);

    const forced = await rocketnest(['g', 'order-events', '--path', app, '--force']);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toContain(`overwrote ${consumer}`);
    expect(forced.stdout).toContain('src/app.module.ts already imports OrderEventsModule');
    expect(read(app, consumer)).toContain('export class OrderEventsConsumer');
    expect(read(app, 'src/app.module.ts').match(/OrderEventsModule/g)).toHaveLength(2);
  });

  it('prints the files with --dry-run and writes nothing', async () => {
    const app = createNestApp(tempDir());

    const result = await rocketnest(['g', 'payments', '--path', app, '--dry-run']);

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('would create src/payments/payments.producer.ts:\n');
    expect(result.stdout).toContain('export class PaymentsProducer {');
    expect(result.stdout).toContain('would add PaymentsModule to the imports of src/app.module.ts');
    expect(existsSync(join(app, 'src', 'payments'))).toBe(false);
    expect(read(app, 'src/app.module.ts')).toBe(NEST_NEW_APP_MODULE);
  });

  it('names the topic and the consumer groups after --topic and --group', async () => {
    const app = createNestApp(tempDir());

    const result = await rocketnest([
      'g',
      'billing',
      '--path',
      app,
      '--topic',
      'BILLING_EVENTS',
      '--group',
      'billing-svc',
    ]);

    expect(result.status).toBe(0);
    const messages = read(app, 'src/billing/billing.messages.ts');
    expect(messages).toContain("export const BILLING_TOPIC = 'BILLING_EVENTS';");
    expect(messages).toContain("orderly: 'billing-svc-orderly',");
    expect(result.stdout).toContain('rocketnest topic create BILLING_EVENTS');
  });

  it.each([['Order_Events'], ['order--events'], ['9lives'], ['app']])(
    'exits 2 without writing for the invalid name %s',
    async (name) => {
      const app = createNestApp(tempDir());

      const result = await rocketnest(['generate', name, '--path', app]);

      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^rocketnest: .*"${name}"`));
      expect(readdirSync(join(app, 'src')).sort()).toEqual([
        'app.controller.ts',
        'app.module.ts',
        'app.service.ts',
        'main.ts',
      ]);
    },
  );

  it('exits 2 for a topic name RocketMQ rejects', async () => {
    const app = createNestApp(tempDir());
    const result = await rocketnest(['generate', 'orders', '--path', app, '--topic', 'a.b']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--topic must be');
  });

  it('prints the AppModule change instead of editing a root module of another shape', async () => {
    const dynamic = `import { Module, type DynamicModule } from '@nestjs/common';

@Module({})
export class AppModule {
  static forRoot(): DynamicModule {
    return { module: AppModule, imports: [] };
  }
}
`;
    const app = createNestApp(tempDir(), { 'src/app.module.ts': dynamic });

    const result = await rocketnest(['generate', 'orders', '--path', app]);

    expect(result.status).toBe(0);
    expect(read(app, 'src/app.module.ts')).toBe(dynamic);
    expect(result.stdout).toContain('src/app.module.ts left as is');
    expect(result.stdout).toContain(
      "  import { OrdersModule } from './orders/orders.module';\n  @Module({ imports: [..., OrdersModule] })",
    );
  });

  it('exits 2 when --path is not a Nest app', async () => {
    const result = await rocketnest(['generate', 'orders', '--path', tempDir()]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/is not a Nest app: it has no src\/ directory/);
  });
});
