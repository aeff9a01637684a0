import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { open, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes a JSON file so that a crash leaves either the old or the new content: write a temp file,
 * fsync it, rename it over the target, fsync the directory. The previous version is kept as
 * `<file>.bak` for the case where the file system loses the rename.
 */
export function writeJsonFileAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(value));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (existsSync(path)) renameSync(path, `${path}.bak`);
  renameSync(tmp, path);
  fsyncDir(dirname(path));
}

const writesInFlight = new Map<string, Promise<void>>();

/**
 * writeJsonFileAtomic off the event loop, for the periodic saves (offsets, delay progress,
 * checkpoint): their fsyncs took tens of milliseconds on the loop that serves requests. Writes of
 * one path are chained, so two saves never share the temp file and the newest lands last.
 */
export function writeJsonFileAtomicAsync(path: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value);
  const previous = writesInFlight.get(path) ?? Promise.resolve();
  const write = previous.then(() => replaceFile(path, text));
  const settled = write.catch(() => undefined);
  writesInFlight.set(path, settled);
  void settled.then(() => {
    if (writesInFlight.get(path) === settled) writesInFlight.delete(path);
  });
  return write;
}

async function replaceFile(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  if (await exists(path)) await rename(path, `${path}.bak`);
  await rename(tmp, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Reads a JSON file written by writeJsonFileAtomic, falling back to its backup. */
export function readJsonFile<T>(path: string): T | undefined {
  for (const candidate of [path, `${path}.bak`]) {
    if (!existsSync(candidate)) continue;
    try {
      return JSON.parse(readFileSync(candidate, 'utf8')) as T;
    } catch {
      // A torn or empty file: try the backup.
    }
  }
  return undefined;
}

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
