import { IdempotencyConfigError, IdempotencyError } from './errors';

/** Longest scope or key: both columns are VARCHAR(255) in every SQL store. */
export const MAX_KEY_LENGTH = 255;

const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const REDIS_PREFIX = /^[A-Za-z0-9_:.-]{1,128}$/;

/** Table names are interpolated into SQL, so only plain identifiers are accepted. */
export function checkTableName(name: string): string {
  if (!SQL_IDENTIFIER.test(name)) {
    throw new IdempotencyConfigError(
      `invalid idempotency table name "${name}": use letters, digits and underscores (max 63, not starting with a digit)`,
    );
  }
  return name;
}

export function checkKeyPrefix(prefix: string): string {
  if (!REDIS_PREFIX.test(prefix)) {
    throw new IdempotencyConfigError(
      `invalid idempotency key prefix "${prefix}": use letters, digits, "_", ":", "." or "-" (max 128)`,
    );
  }
  return prefix;
}

export function checkRetention(retentionMs: number): number {
  if (!(retentionMs > 0)) {
    throw new IdempotencyConfigError(
      `invalid retentionMs ${retentionMs}: a positive number of milliseconds, or Infinity to keep keys forever`,
    );
  }
  return retentionMs;
}

/** Scopes and keys must fit the columns; a silent truncation would merge distinct keys. */
export function checkScopeAndKey(scope: string, key: string): void {
  for (const [what, value] of [
    ['scope', scope],
    ['key', key],
  ] as const) {
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_KEY_LENGTH) {
      throw new IdempotencyError(
        `invalid idempotency ${what} ${JSON.stringify(value)}: a non-empty string of at most ${MAX_KEY_LENGTH} characters`,
      );
    }
  }
}

export function checkLease(leaseMs: number): void {
  if (!Number.isInteger(leaseMs) || leaseMs <= 0) {
    throw new IdempotencyError(`invalid leaseMs ${leaseMs}: a positive integer of milliseconds`);
  }
}
