import {
  AckPolicy,
  DeliverPolicy,
  StorageType,
  connect,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
} from 'nats';
import { SYSTEM } from './scenario-names';
import type { Channel, Driver, ScenarioKind, Subscription } from './driver';
import { uniqueName } from './names';
import { pidByName } from './proc';

export const NATS_SERVER = '127.0.0.1:4222';
const MAX_MESSAGES = 1000;

/** nats.js on JetStream: file-storage streams, acknowledged publishes, explicit-ack consumers. */
export class JetStreamDriver implements Driver {
  readonly system = SYSTEM.jetstream;
  readonly scenarios: readonly ScenarioKind[] = [
    'produce',
    'produceBatch',
    'latency',
    'fanout',
    'catchUp',
  ];
  private nc?: NatsConnection;
  private js?: JetStreamClient;
  private jsm?: JetStreamManager;

  get config(): string {
    return (
      `nats-server ${this.nc?.info?.version ?? '?'} at ${NATS_SERVER} with -js: one stream per ` +
      `run, file storage, limits retention, 1 replica; js.publish awaits the PubAck (sent after ` +
      `the write to the file store, not fsynced per message); durable pull consumers, explicit ` +
      `acks, ${MAX_MESSAGES} messages buffered per consumer; fan-out as 4 durable consumers`
    );
  }

  async open(): Promise<void> {
    this.nc = await connect({ servers: NATS_SERVER });
    this.js = this.nc.jetstream();
    this.jsm = await this.nc.jetstreamManager();
  }

  async channel(groups: number): Promise<Channel> {
    const stream = uniqueName('BENCH');
    const subject = `${stream}.events`;
    const jsm = this.jsm!;
    const js = this.js!;
    await jsm.streams.add({ name: stream, subjects: [subject], storage: StorageType.File });
    const durables = Array.from({ length: groups }, () => uniqueName('group'));
    for (const durable of durables)
      await jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
      });
    const send = async (body: Buffer) => {
      await js.publish(subject, body);
    };
    return {
      send,
      // JetStream (before 2.12) has no batch publish: the batch is published at once.
      sendBatch: async (bodies) => {
        await Promise.all(bodies.map(send));
      },
      consume: (group, onMessage) => consume(js, stream, durables[group]!, onMessage),
      destroy: async () => {
        await jsm.streams.delete(stream);
      },
    };
  }

  serverPid(): number | undefined {
    return pidByName('nats-server');
  }

  async close(): Promise<void> {
    await this.nc?.drain().catch(() => undefined);
  }
}

async function consume(
  js: JetStreamClient,
  stream: string,
  durable: string,
  onMessage: (body: Buffer) => void,
): Promise<Subscription> {
  const consumer = await js.consumers.get(stream, durable);
  const messages = await consumer.consume({ max_messages: MAX_MESSAGES });
  const loop = (async () => {
    for await (const m of messages) {
      onMessage(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
      m.ack();
    }
  })();
  return {
    stop: async () => {
      await messages.close();
      await loop;
    },
  };
}
