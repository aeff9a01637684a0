import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';

const SERVICES_SCRIPT = join(__dirname, '..', '..', '..', '..', 'scripts', 'services.sh');

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(2000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

let startedServices = false;

/**
 * Resolves to undefined when the peer listens on 127.0.0.1:`port`, starting the machine's
 * services once with the project's own script when it does not; else to the reason to skip.
 */
export async function ensurePeer(name: string, port: number): Promise<string | undefined> {
  if (await reachable(port)) return undefined;
  if (!startedServices) {
    startedServices = true;
    process.stderr.write(`bench: ${name} is down on ${port}, running scripts/services.sh start\n`);
    spawnSync('bash', [SERVICES_SCRIPT, 'start'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (await reachable(port)) return undefined;
  return `${name} not reachable on 127.0.0.1:${port} after scripts/services.sh start`;
}
