import amqp from 'amqplib';
import { SYSTEM } from './scenario-names';
import type { Channel, Driver, ScenarioKind, Subscription } from './driver';
import { uniqueName } from './names';
import { pidByName } from './proc';

export const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';
/** Unacknowledged deliveries a consumer may hold (RabbitMQ's default is unlimited). */
export const RABBITMQ_PREFETCH = 1000;

/** Raw amqplib on a confirm channel: durable queues, persistent messages, publisher confirms. */
export class AmqpDriver implements Driver {
  readonly system = SYSTEM.rabbitmq;
  private version = '?';
  readonly scenarios: readonly ScenarioKind[] = [
    'produce',
    'produceBatch',
    'latency',
    'fanout',
    'catchUp',
  ];
  private connection?: amqp.ChannelModel;
  private publisher?: amqp.ConfirmChannel;

  get config(): string {
    return (
      `RabbitMQ ${this.version} at ${RABBITMQ_URL}: classic durable queues, persistent messages ` +
      `(deliveryMode 2), publisher confirms (sent once the message is fsynced to disk), ` +
      `manual acks, prefetch ${RABBITMQ_PREFETCH}; fan-out through a fanout exchange`
    );
  }

  async open(): Promise<void> {
    this.connection = await amqp.connect(RABBITMQ_URL);
    this.version = serverVersion(this.connection);
    this.publisher = await this.connection.createConfirmChannel();
  }

  async channel(groups: number): Promise<Channel> {
    const publisher = this.publisher!;
    const connection = this.connection!;
    const exchange = uniqueName('bench.fanout');
    const queues = Array.from({ length: groups }, () => uniqueName('bench.queue'));
    for (const q of queues) await publisher.assertQueue(q, { durable: true });
    if (groups > 1) {
      await publisher.assertExchange(exchange, 'fanout', { durable: true });
      for (const q of queues) await publisher.bindQueue(q, exchange, '');
    }
    const publish = (body: Buffer) =>
      new Promise<void>((resolve, reject) => {
        const done = (err: unknown) => (err ? reject(err as Error) : resolve());
        if (groups > 1) publisher.publish(exchange, '', body, { persistent: true }, done);
        else publisher.sendToQueue(queues[0]!, body, { persistent: true }, done);
      });
    return {
      send: publish,
      // AMQP has no batch publish: the batch is published at once and its confirms awaited.
      sendBatch: async (bodies) => {
        await Promise.all(bodies.map(publish));
      },
      consume: (group, onMessage) => consume(connection, queues[group]!, onMessage),
      destroy: async () => {
        for (const q of queues) await publisher.deleteQueue(q);
        if (groups > 1) await publisher.deleteExchange(exchange);
      },
    };
  }

  serverPid(): number | undefined {
    return pidByName('beam.smp');
  }

  async close(): Promise<void> {
    await this.connection?.close().catch(() => undefined);
  }
}

async function consume(
  connection: amqp.ChannelModel,
  queue: string,
  onMessage: (body: Buffer) => void,
): Promise<Subscription> {
  const channel = await connection.createChannel();
  await channel.prefetch(RABBITMQ_PREFETCH);
  const { consumerTag } = await channel.consume(queue, (msg) => {
    if (!msg) return;
    onMessage(msg.content);
    channel.ack(msg);
  });
  return {
    stop: async () => {
      await channel.cancel(consumerTag);
      await channel.close();
    },
  };
}

/** The broker's version from the AMQP handshake (absent from amqplib's typings). */
export function serverVersion(model: amqp.ChannelModel): string {
  const props = (model.connection as unknown as { serverProperties?: { version?: string } })
    .serverProperties;
  return props?.version ?? '?';
}
