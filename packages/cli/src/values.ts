import { UsageError } from './options';

/** An integer >= `min` (default 1). */
export function parseInteger(value: string, flag: string, min = 1): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min)
    throw new UsageError(`${flag} must be an integer >= ${min}, got "${value}"`);
  return n;
}

/** Milliseconds since the epoch, or an ISO-8601 date such as 2026-01-31T12:00:00Z. */
export function parseTimestamp(value: string, flag: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new UsageError(`${flag} must be epoch milliseconds or an ISO date, got "${value}"`);
  return ms;
}

/** Repeatable `--property k=v`: accumulates into a record. */
export function collectProperty(
  value: string,
  previous: Record<string, string> = {},
): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new UsageError(`--property must be key=value, got "${value}"`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** "a,b c" -> ["a", "b", "c"]. */
export function parseList(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}
