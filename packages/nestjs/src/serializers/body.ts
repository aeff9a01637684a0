/** Message bodies are JSON, except Buffers, which are sent as they are. */
export function encodeBody(data: unknown): Buffer | string {
  if (Buffer.isBuffer(data)) return data;
  return JSON.stringify(data ?? null);
}

/** JSON when the body parses as JSON, else the UTF-8 text (messages from non-JSON producers). */
export function decodeBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const text = body.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
