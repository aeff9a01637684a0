import { crc32, deflateSync } from 'node:zlib';
import {
  createRequest,
  decodeJsonBody,
  RegisterBrokerRequestHeader,
  RequestCode,
  topicConfig,
  type DataVersion,
  type RegisterBrokerBody,
  type RemotingClient,
  type RemotingCommand,
  type TopicConfig,
  type TopicRouteData,
} from '@rocketnest/protocol';

export interface FakeBroker {
  clusterName?: string;
  brokerName: string;
  brokerAddr: string;
  brokerId?: number;
  haServerAddr?: string;
  heartbeatTimeoutMillis?: number;
}

export interface RegisterOptions {
  /** topic -> queue count, or full configs. */
  topics?: Record<string, number> | TopicConfig[];
  dataVersion?: DataVersion;
  /** true: send the body's real CRC; a number: send that instead; default: 0 (unchecked). */
  crc?: boolean | number;
  /** Sends these bytes as the body instead of the encoded RegisterBrokerBody. */
  rawBody?: Buffer;
  /** Sends the body in RocketMQ's compressed (deflate) layout. */
  compressed?: boolean;
}

export function topicConfigsOf(topics: RegisterOptions['topics'] = {}): TopicConfig[] {
  if (Array.isArray(topics)) return topics;
  return Object.entries(topics).map(([name, queues]) => topicConfig(name, queues));
}

export function registerBrokerBody(
  topics: TopicConfig[],
  dataVersion: DataVersion = { timestamp: 1700000000000, counter: 1 },
): RegisterBrokerBody {
  const topicConfigTable: Record<string, TopicConfig> = {};
  for (const config of topics) topicConfigTable[config.topicName] = config;
  return { topicConfigSerializeWrapper: { topicConfigTable, dataVersion }, filterServerList: [] };
}

/** RegisterBrokerBody.encode(true): length-prefixed parts inside a zlib stream. */
export function compressedRegisterBrokerBody(body: RegisterBrokerBody): Buffer {
  const parts: Buffer[] = [];
  const put = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    parts.push(int32(bytes.length), bytes);
  };
  const { topicConfigTable, dataVersion } = body.topicConfigSerializeWrapper;
  put(JSON.stringify(dataVersion));
  const configs = Object.values(topicConfigTable);
  parts.push(int32(configs.length));
  for (const c of configs) {
    const attributes = c.attributes ? JSON.stringify(c.attributes) : '';
    put(
      `${c.topicName} ${c.readQueueNums} ${c.writeQueueNums} ${c.perm} ${c.topicFilterType} ${attributes}`,
    );
  }
  put(JSON.stringify(body.filterServerList));
  parts.push(int32(0)); // no static topic mappings
  return deflateSync(Buffer.concat(parts));
}

/** UtilAll.crc32, computed here independently of the code under test. */
export function javaCrc32(bytes: Buffer): number {
  return crc32(bytes) & 0x7fffffff;
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** A REGISTER_BROKER frame as a Java broker sends it (JSON body unless `compressed`). */
export function registerBrokerRequest(
  broker: FakeBroker,
  options: RegisterOptions = {},
): RemotingCommand {
  const model = registerBrokerBody(topicConfigsOf(options.topics), options.dataVersion);
  const body =
    options.rawBody ??
    (options.compressed
      ? compressedRegisterBrokerBody(model)
      : Buffer.from(JSON.stringify(model), 'utf8'));
  const crc =
    options.crc === true ? javaCrc32(body) : typeof options.crc === 'number' ? options.crc : 0;
  return createRequest(RequestCode.REGISTER_BROKER, {
    extFields: RegisterBrokerRequestHeader.encode({
      brokerName: broker.brokerName,
      brokerAddr: broker.brokerAddr,
      clusterName: broker.clusterName ?? 'DefaultCluster',
      haServerAddr: broker.haServerAddr ?? broker.brokerAddr.replace(/:\d+$/, ':10912'),
      brokerId: broker.brokerId ?? 0,
      heartbeatTimeoutMillis: broker.heartbeatTimeoutMillis,
      compressed: options.compressed ?? false,
      bodyCrc32: crc,
    }),
    body,
  });
}

/** Registers and fails the test unless the name server answered SUCCESS. */
export async function register(
  client: RemotingClient,
  nameServer: string,
  broker: FakeBroker,
  options: RegisterOptions = {},
): Promise<RemotingCommand> {
  const response = await client.invoke(nameServer, registerBrokerRequest(broker, options));
  if (response.code !== 0) {
    throw new Error(`REGISTER_BROKER failed: ${response.code} ${response.remark ?? ''}`);
  }
  return response;
}

export function routeRequest(topic: string): RemotingCommand {
  return createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic } });
}

/** The topic's route, or undefined on TOPIC_NOT_EXIST. */
export async function routeOf(
  client: RemotingClient,
  nameServer: string,
  topic: string,
): Promise<TopicRouteData | undefined> {
  const response = await client.invoke(nameServer, routeRequest(topic));
  if (response.code === 17) return undefined;
  if (response.code !== 0)
    throw new Error(`route of ${topic}: ${response.code} ${response.remark}`);
  return decodeJsonBody<TopicRouteData>(response.body, 'TopicRouteData');
}

/** Polls `check` until it returns true or `timeoutMs` passes; then fails with `what`. */
export async function eventually(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 2000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
