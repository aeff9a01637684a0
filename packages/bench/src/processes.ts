import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOW_PAUSE_NODE_FLAGS } from 'rocketnest/dist/node-flags';

export interface Child {
  process: ChildProcess;
  match: RegExpMatchArray;
  stop(): Promise<void>;
}

/** Starts `node [nodeFlags] script args` and resolves when its output matches `ready`. */
export function startChild(
  script: string,
  args: string[],
  ready: RegExp,
  timeoutMs = 30_000,
  nodeFlags: readonly string[] = [],
): Promise<Child> {
  const child = spawn(process.execPath, [...nodeFlags, script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A bench that crashes must not leave servers running behind it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} not ready in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onData);
      child.stdout!.resume();
      child.stderr!.resume();
      resolve({
        process: child,
        match,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${out}`)));
  });
}

export const CLI = join(__dirname, '..', '..', 'cli', 'dist', 'main.js');

export interface EmbeddedServer {
  nameServer: string;
  broker: string;
  /** The child process running the name server and the broker. */
  pid: number;
  stop(): Promise<void>;
}

/** `rocketnest start` in a child process on free ports and a temp data dir, removed on stop. */
export async function startEmbeddedServer(
  flushMode: 'async' | 'sync' = 'async',
): Promise<EmbeddedServer> {
  const dir = mkdtempSync(join(tmpdir(), 'rocketnest-bench-'));
  const args = [
    'start',
    '--flush-mode',
    flushMode,
    '--namesrv-port',
    '0',
    '--broker-port',
    '0',
    '--data-dir',
    join(dir, 'data'),
    '--log-level',
    'warn',
  ];
  // As the `rocketnest` command runs it: with the flags that keep GC pauses short.
  const child = await startChild(
    CLI,
    args,
    /name server listening on (\S+)\nrocketnest: broker \S+ listening on (\S+)/,
    30_000,
    LOW_PAUSE_NODE_FLAGS,
  );
  return {
    nameServer: child.match[1]!,
    broker: child.match[2]!,
    pid: child.process.pid!,
    stop: async () => {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
