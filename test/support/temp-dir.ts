import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];
let hooked = false;

/**
 * A fresh directory under the OS temp dir, removed after the current test file's tests finish
 * (afterAll), so data dirs never leak between runs or collide between parallel workers.
 */
export function tempDir(prefix = 'rocketnest-test-'): string {
  if (!hooked) {
    hooked = true;
    afterAll(() => {
      for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}
