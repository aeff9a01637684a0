import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startNodeProcess, type StartedProcess } from '../../../test/support/child-process';
import { tempDir } from '../../../test/support/temp-dir';

/** The real, built binary (what `npx rocketnest` runs). */
export const BIN = join(__dirname, '..', 'bin', 'rocketnest.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `rocketnest ...args` to completion; `input` is written to its stdin. */
export function rocketnest(
  args: string[],
  options: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ROCKETNEST_NAMESRV: undefined, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Parses the JSON lines of `consume --json`. */
export function jsonLines<T>(stdout: string): T[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** `rocketnest start` on free ports with a temp data dir; resolves with the name server address. */
export async function startServer(): Promise<{ namesrv: string; server: StartedProcess }> {
  const server = await startNodeProcess(
    BIN,
    [
      'start',
      ...['--namesrv-port', '0', '--broker-port', '0'],
      ...['--data-dir', join(tempDir(), 'data'), '--log-level', 'warn'],
    ],
    /name server listening on (\S+)\n/,
  );
  return { namesrv: server.ready[1]!, server };
}
