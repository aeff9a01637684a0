import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startChild } from '../processes';
import { rawWriteSync, rawWrites, recordSize, tempDir } from '../suites/store';
import { IN_FLIGHT, MESSAGE_SIZE } from './scenarios';

/** Sequential writes of one stored message's bytes at a time, fdatasync at the end: msgs/s. */
export function fileWriteRate(total: number): number {
  const dir = tempDir();
  try {
    return (total * 1000) / rawWrites(dir, total, recordSize());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One message's bytes written then fdatasynced, in a loop: the sync-per-message ceiling. */
export async function fdatasyncRate(total: number): Promise<number> {
  const dir = tempDir();
  try {
    return (total * 1000) / (await rawWriteSync(dir, total, recordSize(), 1));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 1 KiB payloads echoed by a loopback TCP server in a child process, IN_FLIGHT outstanding. */
export async function tcpEchoRate(total: number): Promise<number> {
  const server = await startChild(join(__dirname, '..', 'tcp-echo-server.js'), [], /:(\d+)/);
  const socket = connect({ host: '127.0.0.1', port: Number(server.match[1]) });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.setNoDelay(true);
    const payload = Buffer.alloc(MESSAGE_SIZE, 'x');
    let sent = 0;
    let echoedBytes = 0;
    const start = performance.now();
    await new Promise<void>((resolve) => {
      const top = () => {
        const window = Math.floor(echoedBytes / MESSAGE_SIZE) + IN_FLIGHT;
        while (sent < total && sent < window) {
          socket.write(payload);
          sent += 1;
        }
      };
      socket.on('data', (chunk: Buffer) => {
        echoedBytes += chunk.length;
        if (echoedBytes >= total * MESSAGE_SIZE) resolve();
        else top();
      });
      top();
    });
    return (total * 1000) / (performance.now() - start);
  } finally {
    socket.destroy();
    await server.stop();
  }
}
