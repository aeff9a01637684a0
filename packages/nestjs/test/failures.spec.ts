import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Admin } from '@rocketnest/client';
import { lastValueFrom } from 'rxjs';
import { useClientCluster } from '../../client/test/support/cluster';
import { type RocketMQContext, RocketMQDeadLetterException, RocketMQRecordBuilder } from '../src';
import { eventually, readDlq, startApp, unique, type TestApp } from './support/nest-app';

const FLAKY = unique('flaky');
const INVALID = unique('invalid');
const SEQUENCED = unique('sequenced');
const POISONED = unique('poisoned');
const ORDERLY_GROUP = unique('CG_orderly');
const POISON_GROUP = unique('CG_poison');

const attempts = new Map<string, number[]>();
const sequences = new Map<string, number[]>();

function attempt(id: string, ctx: RocketMQContext): void {
  attempts.set(id, [...(attempts.get(id) ?? []), ctx.getReconsumeTimes()]);
}

@Controller()
class FailingController {
  @EventPattern(FLAKY)
  flaky(@Payload() data: { id: string }, @Ctx() ctx: RocketMQContext): Promise<void> {
    attempt(data.id, ctx);
    return Promise.reject(new Error(`cannot process ${data.id} yet`));
  }

  @EventPattern(INVALID)
  invalid(@Payload() data: { id: string }, @Ctx() ctx: RocketMQContext): void {
    attempt(data.id, ctx);
    throw new RocketMQDeadLetterException(`order ${data.id} has no customer`);
  }

  @EventPattern(SEQUENCED, { orderly: true, group: ORDERLY_GROUP })
  async sequenced(@Payload() data: { key: string; seq: number }): Promise<void> {
    await new Promise((r) => setTimeout(r, Math.random() * 3));
    sequences.set(data.key, [...(sequences.get(data.key) ?? []), data.seq]);
  }

  @EventPattern(POISONED, { orderly: true, group: POISON_GROUP, maxReconsumeTimes: 2 })
  poisoned(@Payload() data: { id: string }, @Ctx() ctx: RocketMQContext): void {
    attempt(data.id, ctx);
    if (data.id === 'poison') throw new Error('poison message');
  }
}

describe('RocketMQServer failure handling', () => {
  const cluster = useClientCluster(1);
  let t: TestApp;

  beforeAll(async () => {
    const admin = new Admin({ nameServer: cluster.namesrvAddr });
    for (const topic of [FLAKY, INVALID, POISONED])
      await admin.createTopic(topic, { queueNums: 2 });
    await admin.createTopic(SEQUENCED, { queueNums: 4 });
    await admin.close();
    t = await startApp(cluster, { controllers: [FailingController] }, { maxReconsumeTimes: 2 });
  });
  afterAll(async () => {
    await t?.client.close();
    await t?.app.close();
  });

  const group = () => t.server['options'].group;

  it('redelivers a failing event through the retry topic, then moves it to the DLQ', async () => {
    const sent = await lastValueFrom(t.client.emit(FLAKY, { id: 'f-1' }));
    await eventually('three attempts', () => (attempts.get('f-1')?.length ?? 0) >= 3, 20_000);
    const [dead] = await readDlq(cluster, group(), 1);
    expect(dead!.msgId).toBe(sent.msgId);
    expect(JSON.parse(dead!.body.toString())).toEqual({ id: 'f-1' });
    expect(attempts.get('f-1')).toEqual([0, 1, 2]);
    const logged = t.logger.lines.filter((l) => l.includes(sent.msgId) && l.includes(FLAKY));
    expect(logged.length).toBeGreaterThanOrEqual(3);
  });

  it('sends a RocketMQDeadLetterException message straight to the DLQ without retrying', async () => {
    const deadLetters: string[] = [];
    t.server.on('dead-letter', (m) => deadLetters.push(m.msgId));
    const sent = await lastValueFrom(
      t.client.emit(INVALID, new RocketMQRecordBuilder({ id: 'i-1' }).setKeys('i-1').build()),
    );
    await eventually('dead-lettered', () => deadLetters.includes(sent.msgId));
    const dlq = await readDlq(cluster, group(), 2);
    const dead = dlq.find((m) => m.msgId === sent.msgId)!;
    expect(dead.keys).toEqual(['i-1']);
    expect(dead.properties.RETRY_TOPIC).toBe(INVALID);
    expect(dead.properties.DEAD_LETTER_REASON).toBe('order i-1 has no customer');
    await new Promise((r) => setTimeout(r, 1500));
    expect(attempts.get('i-1')).toEqual([0]);
  });

  it('keeps per-key order for orderly handlers', async () => {
    const keys = ['a', 'b', 'c'];
    for (let seq = 0; seq < 20; seq++) {
      await Promise.all(
        keys.map((key) =>
          lastValueFrom(
            t.client.emit(
              SEQUENCED,
              new RocketMQRecordBuilder({ key, seq }).setShardingKey(key).build(),
            ),
          ),
        ),
      );
    }
    await eventually('all consumed', () => keys.every((k) => sequences.get(k)?.length === 20));
    for (const key of keys) {
      expect(sequences.get(key)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    }
  });

  it('moves an orderly poison message to the DLQ after maxReconsumeTimes and goes on with its queue', async () => {
    const emit = (id: string) =>
      lastValueFrom(
        t.client.emit(POISONED, new RocketMQRecordBuilder({ id }).setShardingKey('same').build()),
      );
    const poison = await emit('poison');
    for (const id of ['after-1', 'after-2']) await emit(id);
    await eventually('the queue moved on', () => attempts.has('after-2'), 15_000);
    expect(attempts.get('poison')).toEqual([0, 1, 2]);
    expect(attempts.get('after-1')).toEqual([0]);
    const [dead] = await readDlq(cluster, POISON_GROUP, 1);
    expect(dead!.msgId).toBe(poison.msgId);
  });
});
