import { connect } from 'node:net';

/** Whether `addr` ("host:port") accepts a TCP connection within `timeoutMs`. */
export function tcpReachable(addr: string, timeoutMs: number): Promise<boolean> {
  const at = addr.lastIndexOf(':');
  const socket = connect({ host: addr.slice(0, at), port: Number(addr.slice(at + 1)) });
  return new Promise((resolve) => {
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
