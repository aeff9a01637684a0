import { Inject, Injectable, type INestApplicationContext } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { Admin, LitePullConsumer, type Producer } from '@rocketnest/client';
import { useClientCluster } from '../../client/test/support/cluster';
import { freePort } from '../../../test/support/ports';
import { InjectProducer, RocketMQHealthIndicator, RocketMQModule } from '../src';
import { CapturingLogger, unique } from './support/nest-app';

const TOPIC = unique('module');

@Injectable()
class OrdersService {
  constructor(
    @InjectProducer() readonly producer: Producer,
    @InjectProducer('audit') readonly audit: Producer,
  ) {}

  publish(id: string) {
    return this.producer.send({ topic: TOPIC, body: JSON.stringify({ id }), keys: id });
  }
}

@Injectable()
class HealthService {
  constructor(
    @Inject(HealthCheckService) readonly health: HealthCheckService,
    @Inject(RocketMQHealthIndicator) readonly rocketmq: RocketMQHealthIndicator,
  ) {}
}

describe('RocketMQModule', () => {
  const cluster = useClientCluster(1);
  let app: INestApplicationContext;

  beforeAll(async () => {
    const admin = new Admin({ nameServer: cluster.namesrvAddr });
    await admin.createTopic(TOPIC, { queueNums: 2 });
    await admin.close();
    process.env.ROCKETNEST_TEST_NAMESRV = cluster.namesrvAddr;
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true }),
        RocketMQModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            nameServer: config.getOrThrow<string>('ROCKETNEST_TEST_NAMESRV'),
            group: 'PID_orders',
          }),
        }),
        RocketMQModule.forRoot({
          name: 'audit',
          nameServer: cluster.namesrvAddr,
          group: 'PID_audit',
        }),
        TerminusModule,
      ],
      providers: [OrdersService, HealthService],
    })
      .setLogger(new CapturingLogger())
      .compile();
    app = await moduleRef.init();
  });
  afterAll(async () => {
    await app?.close();
    delete process.env.ROCKETNEST_TEST_NAMESRV;
  });

  it('injects started producers, configured through forRootAsync and forRoot({ name })', async () => {
    const service = app.get(OrdersService);
    expect(service.producer.group).toBe('PID_orders');
    expect(service.audit.group).toBe('PID_audit');
    expect(service.producer).not.toBe(service.audit);
    const sent = await service.publish('o-9');
    const reader = new LitePullConsumer({
      nameServer: cluster.namesrvAddr,
      group: unique('reader'),
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    await reader.start();
    try {
      await reader.assign([sent.queue]);
      const [got] = await reader.poll(5000);
      expect(got!.keys).toEqual(['o-9']);
    } finally {
      await reader.shutdown();
    }
  });

  it('reports the name server and brokers up through terminus', async () => {
    const { health, rocketmq } = app.get(HealthService);
    const result = await health.check([() => rocketmq.isHealthy('rocketmq')]);
    expect(result.status).toBe('ok');
    expect(result.details.rocketmq).toEqual({ status: 'up', brokers: { 'broker-a': true } });
  });

  it('reports down when a group lags more than the threshold', async () => {
    const { health, rocketmq } = app.get(HealthService);
    const group = unique('CG_idle');
    const check = (maxLag: number) =>
      health.check([() => rocketmq.isHealthy('rocketmq', { group, topics: [TOPIC], maxLag })]);
    await expect(check(10)).resolves.toMatchObject({ status: 'ok' });
    await expect(check(0)).rejects.toMatchObject({
      response: { status: 'error', error: { rocketmq: { status: 'down', lag: 1 } } },
    });
  });

  it('reports down when the name server is unreachable', async () => {
    const indicator = new RocketMQHealthIndicator({
      nameServer: `127.0.0.1:${await freePort()}`,
      requestTimeoutMs: 500,
    });
    try {
      const result = await indicator.isHealthy('rocketmq');
      expect(result.rocketmq.status).toBe('down');
      expect(result.rocketmq.message).toMatch(/name server unreachable/);
    } finally {
      await indicator.onApplicationShutdown();
    }
  });

  it('shuts the producers down with the application', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [RocketMQModule.forRoot({ nameServer: cluster.namesrvAddr, group: unique('PID') })],
    }).compile();
    const ctx = await moduleRef.init();
    const producer = ctx.get<Producer>('RocketMQProducer:default');
    await ctx.close();
    await expect(producer.send({ topic: TOPIC, body: 'late' })).rejects.toThrow(/stopped/);
  });
});
