import { readFileSync } from 'node:fs';
import { UsageError } from './options';

/** The message body: the argument, else --file, else everything on stdin. */
export async function readBody(arg: string | undefined, file: string | undefined): Promise<Buffer> {
  if (arg !== undefined && file !== undefined)
    throw new UsageError('give the body as an argument or with --file, not both');
  if (arg !== undefined) return Buffer.from(arg, 'utf8');
  if (file !== undefined) {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new UsageError(`cannot read --file ${file}: ${(err as Error).message}`);
    }
  }
  if (process.stdin.isTTY) process.stderr.write('reading the body from stdin (Ctrl-D ends it)\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
