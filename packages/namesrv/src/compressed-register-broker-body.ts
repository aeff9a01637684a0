import { inflateSync } from 'node:zlib';
import { BodyDecodeError, type TopicConfig, type TopicFilterType } from '@rocketnest/protocol';
import type { DecodedRegisterBrokerBody } from './register-broker-body';
import { decodeDataVersion, isObject } from './register-body-fields';

/**
 * The layout of RegisterBrokerBody.encode(true) (brokers with `compressedRegister=true`), inside
 * a zlib stream: int32 length + DataVersion JSON; int32 topic count, then per topic int32 length
 * + TopicConfig.encode() text. What follows (the filter server list, 5.x static topic mappings)
 * is ignored: neither is supported.
 */
export function decodeCompressedRegisterBrokerBody(
  body: Buffer,
  now: number,
): DecodedRegisterBrokerBody {
  let data: Buffer;
  try {
    data = inflateSync(body);
  } catch (err) {
    throw new BodyDecodeError(
      `RegisterBrokerBody: compressed body does not inflate (${(err as Error).message})`,
    );
  }
  const reader = new LengthPrefixedReader(data);
  const dataVersion = decodeDataVersion(parseJson(reader.string(), 'dataVersion'), now);
  const topicConfigTable: Record<string, TopicConfig> = {};
  const count = reader.int();
  for (let i = 0; i < count; i++) {
    const config = decodeTopicConfigLine(reader.string());
    topicConfigTable[config.topicName] = config;
  }
  return { topicConfigTable, dataVersion };
}

/**
 * TopicConfig.decode: "name readQueueNums writeQueueNums perm filterType [attributesJson]",
 * space separated. topicSysFlag and order are not part of it and take their defaults.
 */
function decodeTopicConfigLine(line: string): TopicConfig {
  const [topicName, read, write, perm, filterType, ...rest] = line.split(' ');
  const ints = [read, write, perm].map((s) =>
    s !== undefined && /^-?\d+$/.test(s) ? Number(s) : NaN,
  );
  if (!topicName || !filterType || ints.some((n) => !Number.isSafeInteger(n))) {
    throw new BodyDecodeError(`RegisterBrokerBody: malformed compressed topic config "${line}"`);
  }
  const attributes = parseAttributes(rest.join(' '));
  return {
    topicName,
    readQueueNums: ints[0]!,
    writeQueueNums: ints[1]!,
    perm: ints[2]!,
    topicFilterType: filterType as TopicFilterType,
    topicSysFlag: 0,
    order: false,
    ...(attributes ? { attributes } : {}),
  };
}

/** Java ignores attributes that do not parse; so do we. */
function parseAttributes(text: string): Record<string, string> | undefined {
  if (text.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? (value as Record<string, string>) : undefined;
  } catch {
    return undefined;
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BodyDecodeError(
      `RegisterBrokerBody: ${what} is not JSON (${(err as Error).message})`,
    );
  }
}

class LengthPrefixedReader {
  private offset = 0;

  constructor(private readonly data: Buffer) {}

  int(): number {
    this.need(4);
    const value = this.data.readInt32BE(this.offset);
    this.offset += 4;
    if (value < 0) throw new BodyDecodeError(`RegisterBrokerBody: negative length ${value}`);
    return value;
  }

  string(): string {
    const length = this.int();
    this.need(length);
    const text = this.data.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return text;
  }

  private need(bytes: number): void {
    if (this.offset + bytes > this.data.length) {
      throw new BodyDecodeError('RegisterBrokerBody: compressed body is truncated');
    }
  }
}
