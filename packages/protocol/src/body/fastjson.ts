import { BodyDecodeError } from '../errors';

/**
 * fastjson writes maps with numeric keys unquoted (`{"brokerAddrs":{0:"10.0.0.1:10911"}}`), which
 * JSON.parse rejects. This quotes such keys, looking only at characters outside string literals,
 * so string values that happen to contain `{1:` are left alone.
 */
export function quoteNumericKeys(text: string): string {
  let out = '';
  let inString = false;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      expectKey = false;
      out += c;
      continue;
    }
    if (c === '{' || c === ',') {
      expectKey = true;
      out += c;
      continue;
    }
    if (expectKey && (c === '-' || (c >= '0' && c <= '9'))) {
      const match = /^-?\d+(?=\s*:)/.exec(text.slice(i));
      if (match) {
        out += `"${match[0]}"`;
        i += match[0].length - 1;
        expectKey = false;
        continue;
      }
    }
    if (!/\s/.test(c)) expectKey = false;
    out += c;
  }
  return out;
}

/** Parses a RemotingSerializable body: standard JSON, or fastjson's unquoted numeric keys. */
export function decodeJsonBody<T>(body: Buffer | undefined, what: string): T {
  if (!body || body.length === 0) throw new BodyDecodeError(`${what}: body is empty`);
  const text = body.toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch {
    try {
      return JSON.parse(quoteNumericKeys(text)) as T;
    } catch (err) {
      throw new BodyDecodeError(`${what}: body is not JSON (${(err as Error).message})`);
    }
  }
}

export function encodeJsonBody(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}
