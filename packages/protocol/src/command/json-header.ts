import { FrameError } from '../errors';
import { isLanguageName } from '../codes/language-code';
import type { ExtFields } from '../header/field';
import type { RemotingCommand } from './remoting-command';

type HeaderPart = Omit<RemotingCommand, 'body' | 'serializeType'>;

/**
 * The JSON header as fastjson writes it: keys in alphabetical order, null fields omitted, and the
 * `serializeTypeCurrentRPC` getter property that Java includes and every receiver ignores.
 */
export function encodeJsonHeader(cmd: HeaderPart): Buffer {
  const header: Record<string, unknown> = { code: cmd.code };
  if (cmd.extFields !== undefined) header.extFields = cmd.extFields;
  header.flag = cmd.flag;
  header.language = cmd.language;
  header.opaque = cmd.opaque;
  if (cmd.remark !== undefined && cmd.remark !== null) header.remark = cmd.remark;
  header.serializeTypeCurrentRPC = 'JSON';
  header.version = cmd.version;
  return Buffer.from(JSON.stringify(header), 'utf8');
}

function intField(header: Record<string, unknown>, name: string, fallback?: number): number {
  const value = header[name];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new FrameError(`JSON header field "${name}" is not an integer`);
  }
  return value;
}

/**
 * Clients write extFields values as strings (Java) or as raw JSON numbers and booleans (ali-ons);
 * either way they become the strings a Java broker would see after fastjson's coercion.
 */
function coerceExtFields(value: unknown): ExtFields | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new FrameError('JSON header field "extFields" is not an object');
  }
  // The object is freshly parsed and ours: coerce in place.
  const fields = value as Record<string, unknown>;
  for (const key in fields) {
    const raw = fields[key];
    if (typeof raw === 'string') continue;
    if (raw === null || raw === undefined) delete fields[key];
    else if (typeof raw === 'number' || typeof raw === 'boolean') fields[key] = String(raw);
    else fields[key] = JSON.stringify(raw);
  }
  return fields as ExtFields;
}

export function decodeJsonHeader(bytes: Buffer): HeaderPart {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new FrameError(`JSON header does not parse: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FrameError('JSON header is not an object');
  }
  const header = parsed as Record<string, unknown>;
  const remark = header.remark;
  if (remark !== undefined && remark !== null && typeof remark !== 'string') {
    throw new FrameError('JSON header field "remark" is not a string');
  }
  return {
    code: intField(header, 'code'),
    language: isLanguageName(header.language) ? header.language : 'OTHER',
    version: intField(header, 'version', 0),
    opaque: intField(header, 'opaque', 0),
    flag: intField(header, 'flag', 0),
    remark: remark ?? undefined,
    extFields: coerceExtFields(header.extFields),
  };
}
