import { cpSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const PACKAGE_DIR = join(__dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/**
 * Fails unless dist/ is built from the current src/ (npm test builds first; alone, run
 * `npx tsc -b packages/nestjs`): child-process apps load the package as users do, from dist.
 * The build info is the reference: tsc leaves outputs whose content did not change untouched.
 */
export function assertBuilt(): void {
  const src = join(PACKAGE_DIR, 'src');
  let builtAt: number;
  try {
    builtAt = statSync(join(PACKAGE_DIR, 'dist', '.tsbuildinfo')).mtimeMs;
  } catch {
    throw new Error('packages/nestjs/dist is not built: run npx tsc -b packages/nestjs');
  }
  const changed = sources(src).filter((file) => statSync(file).mtimeMs > builtAt);
  if (changed.length > 0) {
    throw new Error(
      `packages/nestjs/dist is older than ${relative(PACKAGE_DIR, changed[0]!)}: run npx tsc -b packages/nestjs`,
    );
  }
}

/** Installs the built package (package.json + dist) as `<dir>/node_modules/@rocketnest/nestjs`. */
export function installBuiltPackage(dir: string): void {
  const target = join(dir, 'node_modules', '@rocketnest', 'nestjs');
  mkdirSync(target, { recursive: true });
  cpSync(join(PACKAGE_DIR, 'package.json'), join(target, 'package.json'));
  cpSync(join(PACKAGE_DIR, 'dist'), join(target, 'dist'), { recursive: true });
}
