import { RemotingClient, silentLogger } from '@rocketnest/protocol';
import { NameServer, type NameServerOptions } from '../../src';

/**
 * One name server on an ephemeral port plus the clients a test opens against it, all closed
 * after each test. Each simulated broker gets its own client, hence its own connection, as real
 * broker processes do.
 */
export function nameServerHarness() {
  const opened: RemotingClient[] = [];
  const state: { server?: NameServer; address: string } = { address: '' };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((c) => c.close()));
    await state.server?.close(100);
    state.server = undefined;
  });

  return {
    async start(options: NameServerOptions = {}): Promise<NameServer> {
      const server = new NameServer({
        host: '127.0.0.1',
        port: 0,
        logger: silentLogger,
        ...options,
      });
      const { port } = await server.start();
      state.server = server;
      state.address = `127.0.0.1:${port}`;
      return server;
    },
    /** "127.0.0.1:<port>" of the running name server. */
    get address(): string {
      return state.address;
    },
    client(): RemotingClient {
      const client = new RemotingClient({ requestTimeoutMs: 2000 });
      opened.push(client);
      return client;
    },
  };
}
