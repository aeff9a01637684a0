import type { INestMicroservice, LoggerService, ModuleMetadata } from '@nestjs/common';
import { ClientsModule, type MicroserviceOptions } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import {
  LitePullConsumer,
  dlqTopicOf,
  type ConsumedMessage,
  type PushConsumerOptions,
} from '@rocketnest/client';
import { ClientRocketMQ, RocketMQServer, type RocketMQServerOptions } from '../../src';
import { eventually, unique, type ClientTestCluster } from '../../../client/test/support/cluster';

export { eventually, unique };

/** Keeps what Nest logs, so tests can assert on it without flooding the output. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown): void {
    this.lines.push(`log ${String(message)}`);
  }
  error(message: unknown): void {
    this.lines.push(`error ${message instanceof Error ? message.message : String(message)}`);
  }
  warn(message: unknown): void {
    this.lines.push(`warn ${String(message)}`);
  }
  debug(): void {}
  verbose(): void {}
}

/** Consumers that start from the first offset and rebalance/commit quickly, for tests. */
export const FAST_CONSUMER: RocketMQServerOptions['consumer'] = {
  consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
  rebalanceIntervalMs: 1000,
  persistConsumerOffsetIntervalMs: 200,
  suspendCurrentQueueTimeMs: 100,
} satisfies Partial<PushConsumerOptions>;

export const CLIENT = 'ROCKETMQ_CLIENT';

export interface TestApp {
  app: INestMicroservice;
  server: RocketMQServer;
  client: ClientRocketMQ;
  logger: CapturingLogger;
}

/** A Nest microservice on the RocketMQ transport, plus a ClientRocketMQ registered as CLIENT. */
export async function startApp(
  cluster: ClientTestCluster,
  metadata: ModuleMetadata,
  options: Partial<RocketMQServerOptions> = {},
): Promise<TestApp> {
  const moduleRef = await Test.createTestingModule({
    ...metadata,
    imports: [
      ...(metadata.imports ?? []),
      ClientsModule.register([
        {
          name: CLIENT,
          customClass: ClientRocketMQ,
          options: { nameServer: cluster.namesrvAddr, group: unique('PID') },
        },
      ]),
    ],
  }).compile();
  const server = new RocketMQServer({
    nameServer: cluster.namesrvAddr,
    group: unique('CG'),
    ...options,
    consumer: { ...FAST_CONSUMER, ...options.consumer },
  });
  const logger = new CapturingLogger();
  const app = moduleRef.createNestMicroservice<MicroserviceOptions>({ strategy: server, logger });
  await app.listen();
  return { app, server, client: app.get<ClientRocketMQ>(CLIENT), logger };
}

/** Reads `count` messages of `group`'s DLQ (waiting for them to arrive). */
export async function readDlq(
  cluster: ClientTestCluster,
  group: string,
  count: number,
): Promise<ConsumedMessage[]> {
  const reader = new LitePullConsumer({
    nameServer: cluster.namesrvAddr,
    group: unique('DLQ_READER'),
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    autoCommit: false,
  });
  await reader.start();
  try {
    const topic = dlqTopicOf(group);
    const queues = await (async () => {
      let found: Awaited<ReturnType<typeof reader.queuesOf>> = [];
      await eventually(`the DLQ ${topic} exists`, async () => {
        found = await reader.queuesOf(topic).catch(() => []);
        return found.length > 0;
      });
      return found;
    })();
    await reader.assign(queues);
    const messages: ConsumedMessage[] = [];
    const deadline = Date.now() + 15_000;
    while (messages.length < count && Date.now() < deadline) {
      messages.push(...(await reader.poll(500)));
    }
    return messages;
  } finally {
    await reader.shutdown();
  }
}
