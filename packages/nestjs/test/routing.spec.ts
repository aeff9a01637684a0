import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Admin } from '@rocketnest/client';
import { lastValueFrom } from 'rxjs';
import { useClientCluster } from '../../client/test/support/cluster';
import { RocketMQRecordBuilder, type RocketMQContext } from '../src';
import { eventually, startApp, unique, type TestApp } from './support/nest-app';

const ORDERS = unique('orders');
const BILLING = unique('CG_billing');
const SHIPPING = unique('CG_shipping');

const calls: { handler: string; payload: string; group: string }[] = [];
const record = (handler: string) => (payload: string, ctx: RocketMQContext) =>
  calls.push({ handler, payload, group: ctx.getConsumerGroup() });

// Four handlers of one topic in two controllers: Nest chains them under one pattern.
@Controller()
class BillingController {
  @EventPattern(ORDERS, { group: BILLING })
  everything(@Payload() p: string, @Ctx() ctx: RocketMQContext) {
    record('billing:all')(p, ctx);
  }
}

@Controller()
class ShippingController {
  @EventPattern(ORDERS, { group: SHIPPING, tag: 'paid' })
  paid(@Payload() p: string, @Ctx() ctx: RocketMQContext) {
    record('shipping:paid')(p, ctx);
  }

  @EventPattern(ORDERS, { group: SHIPPING, tag: 'cancelled || refunded' })
  cancelled(@Payload() p: string, @Ctx() ctx: RocketMQContext) {
    record('shipping:cancelled')(p, ctx);
  }
}

describe('routing handlers of one topic', () => {
  const cluster = useClientCluster(1);
  let t: TestApp;

  beforeAll(async () => {
    const admin = new Admin({ nameServer: cluster.namesrvAddr });
    await admin.createTopic(ORDERS, { queueNums: 2 });
    await admin.close();
    t = await startApp(cluster, { controllers: [BillingController, ShippingController] });
  });
  afterAll(async () => {
    await t?.client.close();
    await t?.app.close();
  });

  it('gives every consumer group every message, and each handler of a group only its tags', async () => {
    const tags = ['created', 'paid', 'cancelled', 'refunded'];
    for (const tag of tags) {
      await lastValueFrom(
        t.client.emit(ORDERS, new RocketMQRecordBuilder(tag).setTags(tag).build()),
      );
    }
    await eventually('billing saw all and shipping its three', () => calls.length >= 7);
    await new Promise((r) => setTimeout(r, 300));
    const by = (handler: string) =>
      calls
        .filter((c) => c.handler === handler)
        .map((c) => c.payload)
        .sort();
    expect(by('billing:all')).toEqual([...tags].sort());
    expect(by('shipping:paid')).toEqual(['paid']);
    expect(by('shipping:cancelled')).toEqual(['cancelled', 'refunded']);
    expect(calls.filter((c) => c.handler === 'billing:all').every((c) => c.group === BILLING)).toBe(
      true,
    );
    expect(
      calls.filter((c) => c.handler !== 'billing:all').every((c) => c.group === SHIPPING),
    ).toBe(true);
    expect(calls).toHaveLength(7);
  });

  it('runs one push consumer per consumer group', () => {
    const consumer = t.server.unwrap<{ consumers: ReadonlyMap<string, unknown> }>().consumers;
    expect([...consumer.keys()].sort()).toEqual([BILLING, SHIPPING].sort());
  });
});
