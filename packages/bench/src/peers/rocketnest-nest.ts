import { Admin } from '@rocketnest/client';
import { ClientRocketMQ, RocketMQServer } from '@rocketnest/nestjs';
import { silentLogger } from '@rocketnest/protocol';
import { startEmbeddedServer, type EmbeddedServer } from '../processes';
import type { Channel, Driver, ScenarioKind } from './driver';
import { uniqueName } from './names';
import { NEST_VERSION, payloadBytes, startNestClient, startNestListener } from './nest-app';
import { SYSTEM } from './scenario-names';

const QUEUES = 8;
const CONCURRENCY = 64;

/** rocketnest's Nest transport (ClientRocketMQ emit, RocketMQServer @EventPattern). */
export class RocketnestNestDriver implements Driver {
  readonly system = SYSTEM.rocketnestNest;
  readonly scenarios: readonly ScenarioKind[] = ['produce', 'latency'];
  readonly config =
    `@rocketnest/nestjs on @nestjs/microservices ${NEST_VERSION}: ClientRocketMQ emit ` +
    `(resolved on the broker's SEND_OK) to an embedded broker with async flush, ` +
    `RocketMQServer @EventPattern handler, concurrency ${CONCURRENCY}, ${QUEUES} queues, JSON packets`;
  private server?: EmbeddedServer;
  private admin?: Admin;

  async open(): Promise<void> {
    this.server = await startEmbeddedServer('async');
    this.admin = new Admin({ nameServer: this.server.nameServer });
  }

  async channel(): Promise<Channel> {
    const nameServer = this.server!.nameServer;
    const topic = uniqueName('BenchNest');
    await this.admin!.createTopic(topic, { queueNums: QUEUES });
    const client = await startNestClient(
      new ClientRocketMQ({ nameServer, logger: silentLogger }),
      topic,
    );
    return {
      send: client.emit,
      sendBatch: () => Promise.reject(new Error('a Nest ClientProxy has no batch emit')),
      consume: async (_group, onMessage) => {
        const group = uniqueName('CID');
        const strategy = new RocketMQServer({
          nameServer,
          group,
          consumer: { consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' },
          logger: silentLogger,
        });
        const app = await startNestListener(
          { strategy },
          (data) => onMessage(payloadBytes(data)),
          topic,
          { group, concurrency: CONCURRENCY },
        );
        return { stop: () => app.close() };
      },
      destroy: () => client.close(),
    };
  }

  serverPid(): number | undefined {
    return this.server?.pid;
  }

  async close(): Promise<void> {
    await this.admin?.close().catch(() => undefined);
    await this.server?.stop();
  }
}
