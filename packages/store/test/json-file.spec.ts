import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile, writeJsonFileAtomicAsync } from '../src/json-file';
import { tempDir } from '../../../test/support/temp-dir';

describe('writeJsonFileAtomicAsync', () => {
  const dir = tempDir('rocketnest-json-');

  it('chains overlapping writes of one file: all succeed and the newest content lands last', async () => {
    const path = join(dir, 'offsets.json');
    await Promise.all(Array.from({ length: 30 }, (_, i) => writeJsonFileAtomicAsync(path, { i })));
    expect(readJsonFile<{ i: number }>(path)).toEqual({ i: 29 });
    expect(readJsonFile<{ i: number }>(`${path}.bak`)).toEqual({ i: 28 });
    expect(existsSync(`${path}.tmp`)).toBe(false);
  });

  it('rejects when the directory is missing and the next write of the path still runs', async () => {
    const path = join(dir, 'later', 'file.json');
    await expect(writeJsonFileAtomicAsync(path, { first: true })).rejects.toThrow(/ENOENT/);
    mkdirSync(join(dir, 'later'));
    await writeJsonFileAtomicAsync(path, { second: true });
    expect(readJsonFile(path)).toEqual({ second: true });
  });
});
