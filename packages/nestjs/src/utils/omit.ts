/** `value` without `keys`: splits the transport's own options from the client's. */
export function omit<T extends object, K extends keyof T>(
  value: T,
  keys: readonly K[],
): Omit<T, K> {
  const out: Partial<T> = { ...value };
  for (const key of keys) delete out[key];
  return out as Omit<T, K>;
}
