import { IdempotencyConfigError } from './errors';

/**
 * Loads an optional peer dependency on first use, so users of one store never have to install
 * the drivers of the others. A missing package is a config error naming what to install.
 */
export function loadOptionalPeer<T>(packageName: string, usedBy: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(packageName) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new IdempotencyConfigError(
        `${usedBy} needs the optional package "${packageName}": run npm install ${packageName.split('/')[0]}`,
      );
    }
    throw error;
  }
}
