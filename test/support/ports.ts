import { createServer } from 'node:net';

/**
 * A free TCP port on 127.0.0.1, for a child process that must be told its port up front.
 * In-process servers should listen on port 0 instead and read the port back.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      server.close(() =>
        addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}
