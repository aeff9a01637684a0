import {
  BodyDecodeError,
  type DataVersion,
  type TopicConfig,
  type TopicFilterType,
} from '@rocketnest/protocol';

// Field-level decoders of RegisterBrokerBody, shared by its JSON and compressed forms.

/**
 * TopicConfig as a broker sends it, checked field by field. Missing fields take Java's
 * defaults (fastjson leaves them at their initial values); a present field of the wrong type
 * is an error naming the topic, so a bad registration never turns into a broken route.
 */
export function decodeTopicConfig(key: string, raw: unknown): TopicConfig {
  if (!isObject(raw)) throw new BodyDecodeError(`topic config of "${key}" is not an object`);
  const topicName = raw.topicName ?? key;
  if (typeof topicName !== 'string' || topicName.length === 0) {
    throw new BodyDecodeError(`topic config of "${key}": topicName must be a non-empty string`);
  }
  const int = (name: string, fallback: number) =>
    numberField(`topic config of "${topicName}"`, raw, name, fallback, 'int');
  return {
    topicName,
    readQueueNums: int('readQueueNums', 16),
    writeQueueNums: int('writeQueueNums', 16),
    perm: int('perm', 6),
    topicFilterType:
      typeof raw.topicFilterType === 'string'
        ? (raw.topicFilterType as TopicFilterType)
        : 'SINGLE_TAG',
    topicSysFlag: int('topicSysFlag', 0),
    order: raw.order === true,
    ...(isObject(raw.attributes) ? { attributes: raw.attributes as Record<string, string> } : {}),
  };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const INT32 = { min: -2147483648, max: 2147483647 };

/**
 * A Java int or long, given as a JSON number or, as fastjson also accepts, a numeric string.
 * Absent or null means the Java default, `fallback`.
 */
export function numberField(
  owner: string,
  raw: Record<string, unknown>,
  name: string,
  fallback: number,
  kind: 'int' | 'long',
): number {
  const value = raw[name];
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  const valid =
    typeof n === 'number' &&
    Number.isSafeInteger(n) &&
    (kind === 'long' || (n >= INT32.min && n <= INT32.max));
  if (!valid) {
    throw new BodyDecodeError(
      `${owner}: ${name} must be a Java ${kind}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

export function decodeDataVersion(raw: unknown, now: number): DataVersion {
  if (raw === undefined || raw === null) return { timestamp: now, counter: 0 };
  if (!isObject(raw)) throw new BodyDecodeError('RegisterBrokerBody: dataVersion is not an object');
  const long = (name: string, fallback: number) =>
    numberField('dataVersion', raw, name, fallback, 'long');
  return {
    timestamp: long('timestamp', now),
    counter: long('counter', 0),
    stateVersion: long('stateVersion', 0),
  };
}
