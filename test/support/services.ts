import { connect } from 'node:net';

/** The machine's backing services, on their standard local ports (see scripts/services.sh). */
export const SERVICES = {
  postgres: { host: '127.0.0.1', port: 5432 },
  mariadb: { host: '127.0.0.1', port: 3306 },
  redis: { host: '127.0.0.1', port: 6379 },
  rabbitmq: { host: '127.0.0.1', port: 5672 },
  nats: { host: '127.0.0.1', port: 4222 },
} as const;

export type ServiceName = keyof typeof SERVICES;

export function serviceUp(name: ServiceName, timeoutMs = 1000): Promise<boolean> {
  const { host, port } = SERVICES[name];
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * `describe` for tests that need a real service. When the service is down the suite is skipped
 * with the reason in its name, except under CI=true, where a missing service fails the run.
 */
export function describeWithService(name: ServiceName, title: string, body: () => void): void {
  describe(title, () => {
    let up = false;
    beforeAll(async () => {
      up = await serviceUp(name);
      if (!up && process.env.CI === 'true') {
        throw new Error(
          `${name} is required under CI=true but is not reachable on ${SERVICES[name].host}:${SERVICES[name].port}`,
        );
      }
    });
    beforeEach(function skipWhenDown() {
      if (!up) {
        process.stdout.write(
          `skipping "${title}": ${name} is not reachable on port ${SERVICES[name].port}\n`,
        );
        pending(`${name} is not reachable`);
      }
    });
    body();
  });
}
