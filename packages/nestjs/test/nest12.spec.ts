import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Admin } from '@rocketnest/client';
import { useClientCluster } from '../../client/test/support/cluster';
import { startNodeProcess } from '../../../test/support/child-process';
import { assertBuilt, installBuiltPackage } from './support/built-package';
import { unique } from './support/nest-app';

const NEST12_DIR = join(__dirname, '../../../test/nest12');

/**
 * The smoke app runs from a fresh directory inside test/nest12 holding a copy of the built
 * package in its own node_modules. A workspace symlink would resolve to packages/nestjs, whose
 * `require('@nestjs/microservices')` finds Nest 11 at the root; the copy resolves upwards from
 * test/nest12 instead, so the app and the transport share Nest 12.
 */
describe('a Nest 12 ESM app on the RocketMQ transport', () => {
  const cluster = useClientCluster(1);
  let runDir: string;

  beforeAll(() => {
    assertBuilt();
    runDir = mkdtempSync(join(NEST12_DIR, '.run-'));
    installBuiltPackage(runDir);
    cpSync(join(NEST12_DIR, 'smoke-app.mjs'), join(runDir, 'smoke-app.mjs'));
  });
  afterAll(() => runDir && rmSync(runDir, { recursive: true, force: true }));

  it('handles an event and answers a request, with Nest 12 loaded by app and transport', async () => {
    const topics = { EVENT_TOPIC: unique('nest12_event'), REQUEST_TOPIC: unique('nest12_rpc') };
    const admin = new Admin({ nameServer: cluster.namesrvAddr });
    for (const topic of Object.values(topics)) await admin.createTopic(topic, { queueNums: 2 });
    await admin.close();
    const app = await startNodeProcess(
      join(runDir, 'smoke-app.mjs'),
      [],
      /SMOKE OK event=(\S+) reply=(\S+) nest=(\S+) transportNest=(\S+)/,
      {
        env: { NAMESRV: cluster.namesrvAddr, GROUP: unique('CG_nest12'), ...topics },
        timeoutMs: 25_000,
      },
    );
    const [, event, reply, appNest, transportNest] = app.ready;
    expect({ event, reply }).toEqual({ event: 'nest12', reply: '42' });
    expect(appNest).toMatch(/^12\./);
    expect(transportNest).toBe(appNest);
    const exitCode = await new Promise<number | null>((resolve) =>
      app.child.exitCode !== null ? resolve(app.child.exitCode) : app.child.once('exit', resolve),
    );
    expect(exitCode).toBe(0);
  });
});
