import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Admin } from '@rocketnest/client';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { useClientCluster } from '../../client/test/support/cluster';
import { tempDir } from '../../../test/support/temp-dir';
import { eventually, startApp, unique, type TestApp } from './support/nest-app';

const SLOW = unique('slow');
const FANOUT = unique('fanout');
const SLOW_GROUP = unique('CG_slow');
const FANOUT_GROUP = unique('CG_fanout');
const APP_ID = 'APP_ID';

const started: string[] = [];
const finished: string[] = [];
const fanout = new Map<string, Set<number>>();

@Controller()
class SlowController {
  @EventPattern(SLOW, { group: SLOW_GROUP, concurrency: 4 })
  async slow(@Payload() n: number): Promise<void> {
    started.push(String(n));
    await new Promise((r) => setTimeout(r, 300));
    finished.push(String(n));
  }
}

@Controller()
class FanoutController {
  constructor(@Inject(APP_ID) private readonly appId: string) {}

  @EventPattern(FANOUT, { group: FANOUT_GROUP, broadcasting: true })
  seen(@Payload() n: number): void {
    const set = fanout.get(this.appId) ?? new Set<number>();
    set.add(n);
    fanout.set(this.appId, set);
  }
}

describe('RocketMQServer lifecycle', () => {
  const cluster = useClientCluster(1);
  const apps: TestApp[] = [];
  let admin: Admin;

  beforeAll(async () => {
    admin = new Admin({ nameServer: cluster.namesrvAddr });
    await admin.createTopic(SLOW, { queueNums: 2 });
    await admin.createTopic(FANOUT, { queueNums: 4 });
  });
  afterAll(async () => {
    for (const t of apps) {
      await t.client.close();
      await t.app.close();
    }
    await admin.close();
  });

  it('drains on app.close(): in-flight handlers finish, offsets are committed, nothing is lost', async () => {
    const first = await startApp(cluster, { controllers: [SlowController] });
    for (let n = 0; n < 20; n++) await lastValueFrom(first.client.emit(SLOW, n));
    await eventually('handlers in flight', () => started.length >= 4);
    await first.client.close();
    const statuses: string[] = [];
    first.server.status.subscribe((s) => statuses.push(s));
    await first.app.close();
    expect(finished).toEqual(expect.arrayContaining(started));
    expect(finished).toHaveLength(started.length);
    expect(statuses).toEqual(['connected', 'draining', 'disconnected']);
    const handledByFirst = [...finished];
    const lag = await admin.totalLag(SLOW_GROUP, [SLOW]);
    expect(lag).toBe(20 - handledByFirst.length);

    const second = await startApp(cluster, { controllers: [SlowController] });
    apps.push(second);
    await eventually('the rest handled', () => new Set(finished).size === 20, 20_000);
    expect(finished).toHaveLength(20);
  });

  it('delivers every message to every instance of a broadcasting handler', async () => {
    const offsetStoreDir = tempDir('rocketnest-nest-offsets-');
    for (const id of ['a', 'b']) {
      apps.push(
        await startApp(
          cluster,
          { controllers: [FanoutController], providers: [{ provide: APP_ID, useValue: id }] },
          { instanceName: `fanout-${id}`, consumer: { offsetStoreDir } },
        ),
      );
    }
    const client = apps.at(-1)!.client;
    for (let n = 0; n < 10; n++) await firstValueFrom(client.emit(FANOUT, n));
    await eventually('both instances saw all', () =>
      ['a', 'b'].every((id) => fanout.get(id)?.size === 10),
    );
  });
});
