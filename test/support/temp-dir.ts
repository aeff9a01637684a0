import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];

// Registered when a test file imports this module (jest gives every test file its own registry).
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh directory under the OS temp dir, removed after the current test file's tests finish
 * (afterAll), so data dirs never leak between runs or collide between parallel workers.
 */
export function tempDir(prefix = 'rocketnest-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}
