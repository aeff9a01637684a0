import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Admin } from '@rocketnest/client';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { useClientCluster } from '../../client/test/support/cluster';
import { readFileSync } from 'node:fs';
import { ClientRocketMQ, ROCKETMQ_TRANSPORT, RocketMQServer, type RocketMQContext } from '../src';
import { CapturingLogger, eventually, unique } from './support/nest-app';

const EVENT_TOPIC = unique('nest11_event');
const REQUEST_TOPIC = unique('nest11_rpc');
const events: { data: unknown; msgId: string }[] = [];

@Controller()
class SmokeController {
  @EventPattern(EVENT_TOPIC, ROCKETMQ_TRANSPORT)
  onEvent(@Payload() data: unknown, @Ctx() ctx: RocketMQContext): void {
    events.push({ data, msgId: ctx.getMsgId() });
  }

  @MessagePattern(REQUEST_TOPIC, ROCKETMQ_TRANSPORT)
  add(@Payload() numbers: number[]): number {
    return numbers.reduce((a, b) => a + b, 0);
  }
}

@Module({ controllers: [SmokeController] })
class AppModule {}

describe('a Nest 11 CommonJS hybrid app on the RocketMQ transport', () => {
  const cluster = useClientCluster(1);

  it('handles an event and answers a request, then closes cleanly', async () => {
    const nest = JSON.parse(
      readFileSync(require.resolve('@nestjs/microservices/package.json'), 'utf8'),
    ) as { version: string };
    expect(nest.version).toMatch(/^11\./);
    const admin = new Admin({ nameServer: cluster.namesrvAddr });
    for (const topic of [EVENT_TOPIC, REQUEST_TOPIC]) await admin.createTopic(topic);
    await admin.close();
    const app = await NestFactory.create(AppModule, { logger: new CapturingLogger() });
    app.enableShutdownHooks();
    const server = new RocketMQServer({ nameServer: cluster.namesrvAddr, group: unique('CG') });
    app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
    await app.startAllMicroservices();
    await app.init();
    const client = new ClientRocketMQ({ nameServer: cluster.namesrvAddr });
    try {
      const sent = await lastValueFrom(client.emit(EVENT_TOPIC, { hello: 'nest11' }));
      await eventually('the event arrived', () => events.some((e) => e.msgId === sent.msgId));
      expect(events[0]!.data).toEqual({ hello: 'nest11' });
      await expect(firstValueFrom(client.send(REQUEST_TOPIC, [40, 2]))).resolves.toBe(42);
    } finally {
      await client.close();
      await app.close();
    }
    expect(await firstValueFrom(server.status)).toBe('disconnected');
  });
});
