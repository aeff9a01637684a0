import { Transport } from '@nestjs/microservices';
import type { Channel, Driver, ScenarioKind } from './driver';
import { NATS_SERVER } from './jetstream';
import { NEST_VERSION, payloadBytes, startNestClient, startNestListener } from './nest-app';
import { pidByName } from './proc';

/**
 * Nest's built-in NATS transport. It speaks core NATS only (no JetStream), so the server keeps
 * nothing and an emit is not acknowledged: the row is there for the latency a Nest user sees.
 */
export class NestNatsDriver implements Driver {
  readonly system = 'Nest NATS transport (core NATS)';
  readonly guarantee = 'core NATS: not stored, not acknowledged (at most once)';
  readonly scenarios: readonly ScenarioKind[] = ['produce', 'latency'];
  readonly config =
    `@nestjs/microservices ${NEST_VERSION} Transport.NATS at ${NATS_SERVER}: core NATS ` +
    `publish/subscribe (the transport has no JetStream mode), emit resolves once the packet ` +
    `is handed to the connection, JSON packets`;

  async open(): Promise<void> {}

  async channel(): Promise<Channel> {
    const options = { servers: [`nats://${NATS_SERVER}`] };
    const client = await startNestClient({ transport: Transport.NATS, options });
    return {
      send: client.emit,
      sendBatch: () => Promise.reject(new Error('Nest NATS has no batch emit')),
      consume: async (_group, onMessage) => {
        const app = await startNestListener({ transport: Transport.NATS, options }, (data) =>
          onMessage(payloadBytes(data)),
        );
        return { stop: () => app.close() };
      },
      destroy: () => client.close(),
    };
  }

  serverPid(): number | undefined {
    return pidByName('nats-server');
  }

  async close(): Promise<void> {}
}
