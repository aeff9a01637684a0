import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { Admin, Producer } from '@rocketnest/client';
import { firstValueFrom, from, lastValueFrom } from 'rxjs';
import { useClientCluster } from '../../client/test/support/cluster';
import { type RocketMQContext, RocketMQRecordBuilder, ROCKETMQ_TRANSPORT } from '../src';
import { eventually, startApp, unique, type TestApp } from './support/nest-app';

const ORDERS = unique('orders');
const PAID_ONLY = unique('paid');
const RAW = unique('raw');
const ADD = unique('add');
const LETTERS = unique('letters');
const FAILING = unique('failing');
const UNANSWERED = unique('unanswered');

interface Seen {
  payload: unknown;
  msgId: string;
  topic: string;
  tags?: string;
  keys: string[];
  properties: Record<string, string>;
  queueId: number;
  offset: number;
  reconsumeTimes: number;
  bornTimestamp: number;
  group: string;
}
const seen: Seen[] = [];

@Controller()
class OrdersController {
  @EventPattern(ORDERS, ROCKETMQ_TRANSPORT)
  async created(@Payload() order: unknown, @Ctx() ctx: RocketMQContext): Promise<void> {
    await new Promise((r) => setTimeout(r, 5));
    seen.push({
      payload: order,
      msgId: ctx.getMsgId(),
      topic: ctx.getTopic(),
      tags: ctx.getTags(),
      keys: ctx.getKeys(),
      properties: ctx.getProperties(),
      queueId: ctx.getQueue().queueId,
      offset: ctx.getQueueOffset(),
      reconsumeTimes: ctx.getReconsumeTimes(),
      bornTimestamp: ctx.getBornTimestamp(),
      group: ctx.getConsumerGroup(),
    });
  }

  @EventPattern(PAID_ONLY, { tag: 'paid || shipped' })
  paid(@Payload() data: string): void {
    seen.push({ payload: data } as Seen);
  }

  @EventPattern(RAW)
  raw(@Payload() data: unknown, @Ctx() ctx: RocketMQContext): void {
    seen.push({ payload: data, msgId: ctx.getMsgId() } as Seen);
  }

  @MessagePattern(ADD)
  async add(@Payload() numbers: number[]): Promise<number> {
    return numbers.reduce((a, b) => a + b, 0);
  }

  @MessagePattern(LETTERS)
  letters(@Payload() word: string) {
    return from(word.split(''));
  }

  @MessagePattern(FAILING)
  failing(): never {
    throw new RpcException({ code: 'OUT_OF_STOCK', sku: 'A-1' });
  }
}

describe('RocketMQServer and ClientRocketMQ', () => {
  const cluster = useClientCluster(1);
  let t: TestApp;

  beforeAll(async () => {
    const admin = new Admin({ nameServer: cluster.namesrvAddr });
    for (const topic of [ORDERS, PAID_ONLY, RAW, ADD, LETTERS, FAILING, UNANSWERED]) {
      await admin.createTopic(topic, { queueNums: 2 });
    }
    await admin.close();
    t = await startApp(cluster, { controllers: [OrdersController] });
  });
  afterAll(async () => {
    await t?.client.close();
    await t?.app.close();
  });

  it('delivers an emitted event to its @EventPattern handler with the message in the context', async () => {
    const record = new RocketMQRecordBuilder({ id: 'o-1', total: 42 })
      .setKeys(['o-1', 'customer-7'])
      .setTags('created')
      .setProperties({ tenant: 'acme' })
      .build();
    const sent = await lastValueFrom(t.client.emit(ORDERS, record));
    await eventually('the handler ran', () => seen.some((s) => s.msgId === sent.msgId));
    const s = seen.find((x) => x.msgId === sent.msgId)!;
    expect(s.payload).toEqual({ id: 'o-1', total: 42 });
    expect(s).toMatchObject({
      topic: ORDERS,
      tags: 'created',
      keys: ['o-1', 'customer-7'],
      queueId: sent.queue.queueId,
      offset: sent.queueOffset,
      reconsumeTimes: 0,
      group: t.server['options'].group,
    });
    expect(s.properties.tenant).toBe('acme');
    expect(s.bornTimestamp).toBeGreaterThan(Date.now() - 60_000);
  });

  it('subscribes with the handler tag expression', async () => {
    for (const tag of ['paid', 'cancelled', 'shipped']) {
      await lastValueFrom(
        t.client.emit(PAID_ONLY, new RocketMQRecordBuilder(tag).setTags(tag).build()),
      );
    }
    await eventually('paid and shipped arrived', () =>
      ['paid', 'shipped'].every((tag) => seen.some((s) => s.payload === tag)),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.some((s) => s.payload === 'cancelled')).toBe(false);
  });

  it('hands non-JSON bodies of plain producers to handlers as text', async () => {
    const producer = new Producer({ nameServer: cluster.namesrvAddr, group: unique('PID') });
    await producer.start();
    try {
      const sent = await producer.send({ topic: RAW, body: 'plain text, not JSON' });
      await eventually('the handler ran', () => seen.some((s) => s.msgId === sent.msgId));
      expect(seen.find((s) => s.msgId === sent.msgId)!.payload).toBe('plain text, not JSON');
    } finally {
      await producer.shutdown();
    }
  });

  it('answers send() with the value a @MessagePattern handler resolves', async () => {
    await expect(firstValueFrom(t.client.send(ADD, [1, 2, 39]))).resolves.toBe(42);
  });

  it('answers with the last value of an Observable the handler returns', async () => {
    await expect(lastValueFrom(t.client.send(LETTERS, 'nest'))).resolves.toBe('t');
  });

  it('rethrows the RpcException error of a failing request handler to the caller', async () => {
    await expect(firstValueFrom(t.client.send(FAILING, {}))).rejects.toEqual({
      code: 'OUT_OF_STOCK',
      sku: 'A-1',
    });
  });

  it('fails a request nobody answers after the request timeout', async () => {
    t.client['options'].requestTimeoutMs = 500;
    try {
      await expect(firstValueFrom(t.client.send(UNANSWERED, 'hello?'))).rejects.toThrow(
        /no reply to the request to topic/,
      );
    } finally {
      t.client['options'].requestTimeoutMs = undefined;
    }
  });

  it('reports its status and unwraps to the producer and one consumer per group', async () => {
    expect(await firstValueFrom(t.server.status)).toBe('connected');
    const clients = t.server.unwrap<{ consumers: Map<string, unknown> }>();
    expect([...clients.consumers.keys()]).toEqual([t.server['options'].group]);
  });

  it('runs handlers inside the processing hooks tracing agents set', async () => {
    const hooks: string[] = [];
    t.server.setOnProcessingStartHook(async (_transport, ctx, done) => {
      hooks.push(`start ${(ctx as RocketMQContext).getTopic()}`);
      await done();
    });
    t.server.setOnProcessingEndHook((_transport, ctx) =>
      hooks.push(`end ${(ctx as RocketMQContext).getTopic()}`),
    );
    const sent = await lastValueFrom(t.client.emit(ORDERS, { id: 'o-hooked' }));
    await eventually('the handler ran', () => seen.some((s) => s.msgId === sent.msgId));
    await eventually('the end hook ran', () => hooks.length === 2);
    expect(hooks).toEqual([`start ${ORDERS}`, `end ${ORDERS}`]);
  });
});
