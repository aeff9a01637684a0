import {
  BodyDecodeError,
  decodeJsonBody,
  type DataVersion,
  type TopicConfig,
} from '@rocketnest/protocol';
import { decodeCompressedRegisterBrokerBody } from './compressed-register-broker-body';
import { decodeDataVersion, decodeTopicConfig, isObject } from './register-body-fields';

/** A REGISTER_BROKER body, decoded and checked: what the route table needs of it. */
export interface DecodedRegisterBrokerBody {
  topicConfigTable: Record<string, TopicConfig>;
  dataVersion: DataVersion;
}

/**
 * Decodes RegisterBrokerBody: fastjson JSON, or (header `compressed=true`) the deflated binary
 * layout of RegisterBrokerBody.encode(true). A missing body registers the broker without topics,
 * as RocketMQ does. `now` stands in for a missing data version: Java's `new DataVersion()` is
 * stamped with the current time, so such a body always counts as changed. Filter servers (a
 * feature RocketMQ 5 dropped) are not kept.
 */
export function decodeRegisterBrokerBody(
  body: Buffer | undefined,
  compressed: boolean,
  now: number,
): DecodedRegisterBrokerBody {
  if (!body || body.length === 0) {
    return {
      topicConfigTable: {},
      dataVersion: { timestamp: 0, counter: 0 },
    };
  }
  if (compressed) return decodeCompressedRegisterBrokerBody(body, now);
  const raw = decodeJsonBody<unknown>(body, 'RegisterBrokerBody');
  if (!isObject(raw)) throw new BodyDecodeError('RegisterBrokerBody: body is not a JSON object');
  const wrapper = raw.topicConfigSerializeWrapper ?? {};
  if (!isObject(wrapper)) {
    throw new BodyDecodeError('RegisterBrokerBody: topicConfigSerializeWrapper is not an object');
  }
  return {
    topicConfigTable: decodeTopicConfigTable(wrapper.topicConfigTable ?? {}),
    dataVersion: decodeDataVersion(wrapper.dataVersion, now),
  };
}

function decodeTopicConfigTable(raw: unknown): Record<string, TopicConfig> {
  if (!isObject(raw)) {
    throw new BodyDecodeError('RegisterBrokerBody: topicConfigTable is not an object');
  }
  const table: Record<string, TopicConfig> = {};
  for (const [key, value] of Object.entries(raw)) {
    const config = decodeTopicConfig(key, value);
    table[config.topicName] = config;
  }
  return table;
}
