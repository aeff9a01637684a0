import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Admin } from '@rocketnest/client';
import { lastValueFrom } from 'rxjs';
import { useClientCluster } from '../../../client/test/support/cluster';
import { describeWithService } from '../../../../test/support/services';
import { tempDir } from '../../../../test/support/temp-dir';
import { RocketMQRecordBuilder } from '../../src';
import {
  Idempotent,
  IdempotencyEvents,
  IdempotencyModule,
  MysqlIdempotencyStore,
  PostgresIdempotencyStore,
  RedisIdempotencyStore,
  SqliteIdempotencyStore,
  type IdempotencyEvent,
  type IdempotencyStore,
} from '../../src/idempotency';
import { eventually, startApp, unique } from '../support/nest-app';
import { MARIADB, POSTGRES, REDIS } from './support/connections';
import { uniqueName } from './support/store-contract';

/** A controller whose one idempotent handler fails once for the ids in `failOnce`. */
function ordersController(topic: string, applied: string[], failOnce: Set<string>) {
  @Controller()
  class IdempotentOrders {
    @EventPattern(topic)
    @Idempotent()
    async onOrder(@Payload() order: { id: string }): Promise<void> {
      if (failOnce.delete(order.id)) throw new Error(`transient failure for ${order.id}`);
      applied.push(order.id);
    }
  }
  return IdempotentOrders;
}

describe('@Idempotent() on the RocketMQ transport', () => {
  const cluster = useClientCluster(1);

  /** Producer retries (same key, new msgId) and a broker redelivery apply each order once. */
  async function exactlyOnceUnderRedelivery(store: IdempotencyStore): Promise<void> {
    const topic = unique('idem-orders');
    const admin = new Admin({ nameServer: cluster.namesrvAddr });
    await admin.createTopic(topic, { queueNums: 2 });
    await admin.close();
    const applied: string[] = [];
    const t = await startApp(cluster, {
      imports: [IdempotencyModule.forRoot({ store })],
      controllers: [ordersController(topic, applied, new Set(['order-2']))],
    });
    const events: IdempotencyEvent[] = [];
    t.app.get(IdempotencyEvents).events$.subscribe((event) => events.push(event));
    const count = (type: string) => events.filter((e) => e.type === type).length;
    try {
      for (const id of ['order-1', 'order-1', 'order-1', 'order-2', 'order-2']) {
        const record = new RocketMQRecordBuilder({ id }).setKeys(id).build();
        await lastValueFrom(t.client.emit(topic, record));
      }
      await eventually(
        'every delivery was decided',
        () => count('processed') + count('duplicate') === 5,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect([...applied].sort()).toEqual(['order-1', 'order-2']);
      expect(count('processed')).toBe(2);
      expect(count('duplicate')).toBe(3);
      expect(count('released')).toBe(1);
    } finally {
      await t.client.close();
      await t.app.close();
    }
  }

  test('with SQLite, each order is applied exactly once', async () => {
    const filename = `${tempDir('rocketnest-idem-')}/idempotency.sqlite`;
    await exactlyOnceUnderRedelivery(new SqliteIdempotencyStore({ filename }));
  });

  describeWithService('postgres', 'PostgreSQL', () => {
    test('each order is applied exactly once', async () => {
      const tableName = uniqueName();
      await exactlyOnceUnderRedelivery(
        new PostgresIdempotencyStore({ connection: POSTGRES, tableName }),
      );
      const { Pool } = await import('pg');
      const admin = new Pool(POSTGRES);
      await admin.query(`DROP TABLE IF EXISTS ${tableName}`);
      await admin.end();
    });
  });

  describeWithService('mariadb', 'MariaDB', () => {
    test('each order is applied exactly once', async () => {
      const tableName = uniqueName();
      await exactlyOnceUnderRedelivery(
        new MysqlIdempotencyStore({ connection: MARIADB, tableName }),
      );
      const { createPool } = await import('mysql2/promise');
      const admin = createPool(MARIADB);
      await admin.query(`DROP TABLE IF EXISTS ${tableName}`);
      await admin.end();
    });
  });

  describeWithService('redis', 'Redis', () => {
    test('each order is applied exactly once', async () => {
      const keyPrefix = uniqueName();
      await exactlyOnceUnderRedelivery(new RedisIdempotencyStore({ connection: REDIS, keyPrefix }));
      const { Redis } = await import('ioredis');
      const admin = new Redis(REDIS);
      const keys = await admin.keys(`${keyPrefix}:*`);
      if (keys.length > 0) await admin.del(...keys);
      await admin.quit();
    });
  });
});
