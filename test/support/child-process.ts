import { spawn, type ChildProcess } from 'node:child_process';

export interface StartedProcess {
  child: ChildProcess;
  /** The ready line's match (capture groups hold what the process announced, e.g. its port). */
  ready: RegExpMatchArray;
  output(): string;
  /** Sends `signal` and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<ChildProcess>();

// Registered when a test file imports this module (jest gives every test file its own registry).
// Top-level hooks run after those of describe blocks: stop servers in a describe's afterAll.
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Runs `node <script> ...args` and resolves once a stdout/stderr line matches `ready`. The process
 * is killed after the test file if a test did not stop it.
 */
export function startNodeProcess(
  script: string,
  args: string[],
  ready: RegExp,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; execArgv?: string[] } = {},
): Promise<StartedProcess> {
  const child = spawn(process.execPath, [...(options.execArgv ?? []), script, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${script} did not print ${ready} within ${options.timeoutMs ?? 20000} ms:\n${out}`,
        ),
      );
    }, options.timeoutMs ?? 20000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({
          child,
          ready: match,
          output: () => out,
          stop: (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready:\n${out}`));
    });
  });
}
