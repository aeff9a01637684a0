import amqp from 'amqplib';
import { Transport, type RmqContext } from '@nestjs/microservices';
import { RABBITMQ_PREFETCH, RABBITMQ_URL, serverVersion } from './amqp';
import { SYSTEM } from './scenario-names';
import type { Channel, Driver, ScenarioKind } from './driver';
import { uniqueName } from './names';
import { NEST_VERSION, payloadBytes, startNestClient, startNestListener } from './nest-app';
import { pidByName } from './proc';

/** Nest's built-in RMQ transport (ClientRMQ emit, ServerRMQ @EventPattern) on RabbitMQ. */
export class NestRmqDriver implements Driver {
  readonly system = SYSTEM.nestRmq;
  readonly scenarios: readonly ScenarioKind[] = ['produce', 'latency'];
  private admin?: amqp.ChannelModel;

  get config(): string {
    const version = this.admin ? serverVersion(this.admin) : '?';
    return (
      `@nestjs/microservices ${NEST_VERSION} Transport.RMQ on RabbitMQ ${version}: durable ` +
      `queue, persistent: true, emit resolved on the publisher confirm (amqp-connection-manager ` +
      `confirm channel), server noAck: false with ctx ack, prefetchCount ${RABBITMQ_PREFETCH}, ` +
      `JSON packets`
    );
  }

  async open(): Promise<void> {
    this.admin = await amqp.connect(RABBITMQ_URL);
  }

  async channel(): Promise<Channel> {
    const queue = uniqueName('bench.nest');
    const rmq = { urls: [RABBITMQ_URL], queue, queueOptions: { durable: true } };
    const client = await startNestClient({
      transport: Transport.RMQ,
      options: { ...rmq, persistent: true },
    });
    const admin = this.admin!;
    return {
      send: client.emit,
      sendBatch: () => Promise.reject(new Error('Nest RMQ has no batch emit')),
      consume: async (_group, onMessage) => {
        const app = await startNestListener(
          {
            transport: Transport.RMQ,
            options: { ...rmq, noAck: false, prefetchCount: RABBITMQ_PREFETCH },
          },
          (data, ctx) => {
            onMessage(payloadBytes(data));
            const rmqCtx = ctx as RmqContext;
            (rmqCtx.getChannelRef() as amqp.Channel).ack(rmqCtx.getMessage() as amqp.Message);
          },
        );
        return { stop: () => app.close() };
      },
      destroy: async () => {
        await client.close();
        const ch = await admin.createChannel();
        await ch.deleteQueue(queue);
        await ch.close();
      },
    };
  }

  serverPid(): number | undefined {
    return pidByName('beam.smp');
  }

  async close(): Promise<void> {
    await this.admin?.close().catch(() => undefined);
  }
}
