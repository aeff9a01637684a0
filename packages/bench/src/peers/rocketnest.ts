import { Admin, Producer, PushConsumer } from '@rocketnest/client';
import { silentLogger } from '@rocketnest/protocol';
import { startEmbeddedServer, type EmbeddedServer } from '../processes';
import { SYSTEM } from './scenario-names';
import type { Channel, Driver, ScenarioKind, Subscription } from './driver';
import { uniqueName } from './names';

const QUEUES = 8;

/** rocketnest's own client (Producer, PushConsumer) against an embedded broker child process. */
export class RocketnestDriver implements Driver {
  readonly system: string;
  readonly config: string;
  private server?: EmbeddedServer;
  private producer?: Producer;
  private admin?: Admin;

  constructor(
    private readonly flushMode: 'async' | 'sync',
    readonly scenarios: readonly ScenarioKind[],
  ) {
    this.system = flushMode === 'async' ? SYSTEM.rocketnest : 'rocketnest (sync flush)';
    this.config =
      `embedded name server + broker child process, temp data dir, ${flushMode} flush ` +
      (flushMode === 'async'
        ? '(ack after the CommitLog append, fdatasync in the background)'
        : '(ack after fdatasync, group commit)') +
      `, ${QUEUES} queues per topic, PushConsumer concurrency 64`;
  }

  async open(): Promise<void> {
    this.server = await startEmbeddedServer(this.flushMode);
    const { nameServer } = this.server;
    this.admin = new Admin({ nameServer });
    this.producer = new Producer({ nameServer, group: uniqueName('PID'), logger: silentLogger });
    await this.producer.start();
  }

  async channel(groups: number): Promise<Channel> {
    const topic = uniqueName('BenchPeers');
    await this.admin!.createTopic(topic, { queueNums: QUEUES });
    const producer = this.producer!;
    const nameServer = this.server!.nameServer;
    const groupNames = Array.from({ length: groups }, () => uniqueName('CID'));
    return {
      send: async (body) => {
        await producer.send({ topic, body });
      },
      sendBatch: async (bodies) => {
        await producer.sendBatch(bodies.map((body) => ({ topic, body })));
      },
      consume: (group, onMessage) => consume(nameServer, groupNames[group]!, topic, onMessage),
      // The topic lives in the temp data dir, removed when the server stops.
      destroy: async () => undefined,
    };
  }

  serverPid(): number | undefined {
    return this.server?.pid;
  }

  async close(): Promise<void> {
    await this.producer?.shutdown().catch(() => undefined);
    await this.admin?.close().catch(() => undefined);
    await this.server?.stop();
  }
}

async function consume(
  nameServer: string,
  group: string,
  topic: string,
  onMessage: (body: Buffer) => void,
): Promise<Subscription> {
  const consumer = firstOffsetConsumer(nameServer, group, topic);
  await consumer.run({ concurrency: 64, eachMessage: async (msg) => onMessage(msg.body) });
  return { stop: () => consumer.stop() };
}

/** A PushConsumer of `group` on `topic` reading from its first offset, as the benches use. */
export function firstOffsetConsumer(
  nameServer: string,
  group: string,
  topic: string,
): PushConsumer {
  const consumer = new PushConsumer({
    nameServer,
    group,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    logger: silentLogger,
  });
  consumer.subscribe(topic);
  return consumer;
}
