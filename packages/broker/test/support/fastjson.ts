/**
 * Parses fastjson output, which may use objects as map keys (`{{"topic":"T",...}:{...}}`), as
 * Java's TopicStatsTable and ConsumeStats are written. Objects whose keys are all strings become
 * plain objects; others become a Map from parsed key to value.
 */
export function parseFastjson(text: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`fastjson: ${what} at ${i} in ${text.slice(Math.max(0, i - 20), i + 20)}`);
  };
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const expectChar = (c: string) => {
    skipSpace();
    if (text[i] !== c) fail(`expected "${c}"`);
    i++;
  };
  const literal = (pattern: RegExp): unknown => {
    const match = pattern.exec(text.slice(i));
    if (!match) return fail('unexpected token');
    i += match[0].length;
    return JSON.parse(match[0]);
  };
  const list = <T>(close: string, item: () => T): T[] => {
    const out: T[] = [];
    skipSpace();
    if (text[i] === close) {
      i++;
      return out;
    }
    for (;;) {
      out.push(item());
      skipSpace();
      if (text[i] === close) {
        i++;
        return out;
      }
      expectChar(',');
    }
  };
  const value = (): unknown => {
    skipSpace();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries = list('}', () => {
        const key = value();
        expectChar(':');
        return [key, value()] as const;
      });
      return entries.every(([k]) => typeof k === 'string')
        ? Object.fromEntries(entries)
        : new Map(entries);
    }
    if (c === '[') {
      i++;
      return list(']', value);
    }
    if (c === '"') return literal(/^"(?:[^"\\]|\\.)*"/);
    return literal(/^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/);
  };
  const result = value();
  skipSpace();
  if (i !== text.length) fail('trailing text');
  return result;
}
