import {
  CreateTopicRequestHeader,
  PullMessageRequestHeader,
  PullMessageResponseHeader,
  PullSysFlag,
  RemotingClient,
  RequestCode,
  SendMessageResponseHeader,
  createRequest,
  decodeMessageRecords,
  encodeBatch,
  encodeJsonBody,
  encodeProperties,
  sendHeaderCodecFor,
  tagHashCode,
  type BatchItem,
  type ConsumerData,
  type ExtFields,
  type HeartbeatData,
  type MessageExt,
  type PullMessageResponse,
  type RemotingCommand,
  type RequestHandler,
  type SendMessageResponse,
} from '@rocketnest/protocol';

export interface SendOptions {
  code?: number;
  queueId?: number;
  properties?: Record<string, string>;
  producerGroup?: string;
  defaultTopic?: string;
  defaultTopicQueueNums?: number;
  reconsumeTimes?: number;
  maxReconsumeTimes?: number;
  sysFlag?: number;
  flag?: number;
}

export interface PullOptions {
  group?: string;
  topic: string;
  queueId?: number;
  offset: number;
  maxMsgNums?: number;
  /** Sets FLAG_SUBSCRIPTION with this expression; omit to use the heartbeat's subscription. */
  subscription?: string;
  /** Sets FLAG_SUSPEND with this hold time. */
  suspendMs?: number;
  /** Sets FLAG_COMMIT_OFFSET with this offset. */
  commitOffset?: number;
  subVersion?: number;
  timeoutMs?: number;
}

export interface PullResult {
  code: number;
  remark?: string;
  /** Present on SUCCESS, PULL_NOT_FOUND, PULL_RETRY_IMMEDIATELY and PULL_OFFSET_MOVED. */
  header?: PullMessageResponse;
  messages: MessageExt[];
}

/** A test client for one broker: typed helpers over a RemotingClient (its own connection). */
export class BrokerTestClient {
  readonly remoting = new RemotingClient({ requestTimeoutMs: 5000 });

  constructor(readonly address: string) {}

  invoke(
    code: number,
    options: { extFields?: ExtFields; body?: Buffer; timeoutMs?: number } = {},
  ): Promise<RemotingCommand> {
    const request = createRequest(code, { extFields: options.extFields, body: options.body });
    return this.remoting.invoke(this.address, request, options.timeoutMs);
  }

  onRequest(code: number, handler: RequestHandler): void {
    this.remoting.registerProcessor(code, handler);
  }

  async send(
    topic: string,
    body: string | Buffer,
    options: SendOptions = {},
  ): Promise<RemotingCommand> {
    const code = options.code ?? RequestCode.SEND_MESSAGE_V2;
    const extFields = sendHeaderCodecFor(code).encode({
      producerGroup: options.producerGroup ?? 'PG',
      topic,
      defaultTopic: options.defaultTopic ?? 'TBW102',
      defaultTopicQueueNums: options.defaultTopicQueueNums ?? 4,
      queueId: options.queueId ?? 0,
      sysFlag: options.sysFlag ?? 0,
      bornTimestamp: Date.now(),
      flag: options.flag ?? 0,
      properties: encodeProperties({ WAIT: 'true', ...options.properties }),
      reconsumeTimes: options.reconsumeTimes,
      maxReconsumeTimes: options.maxReconsumeTimes,
      batch: code === RequestCode.SEND_BATCH_MESSAGE ? true : undefined,
    });
    return this.invoke(code, {
      extFields,
      body: typeof body === 'string' ? Buffer.from(body) : body,
    });
  }

  /** Sends and fails unless SUCCESS; returns the response header. */
  async sendOk(
    topic: string,
    body: string | Buffer,
    options: SendOptions = {},
  ): Promise<SendMessageResponse> {
    const response = await this.send(topic, body, options);
    if (response.code !== 0)
      throw new Error(`send to ${topic}: ${response.code} ${response.remark}`);
    return SendMessageResponseHeader.decode(response.extFields);
  }

  sendBatch(
    topic: string,
    items: BatchItem[],
    options: SendOptions = {},
  ): Promise<RemotingCommand> {
    return this.send(topic, encodeBatch(items), {
      ...options,
      code: RequestCode.SEND_BATCH_MESSAGE,
    });
  }

  async pull(options: PullOptions): Promise<PullResult> {
    let sysFlag = 0;
    if (options.subscription !== undefined) sysFlag |= PullSysFlag.SUBSCRIPTION;
    if (options.suspendMs !== undefined) sysFlag |= PullSysFlag.SUSPEND;
    if (options.commitOffset !== undefined) sysFlag |= PullSysFlag.COMMIT_OFFSET;
    const extFields = PullMessageRequestHeader.encode({
      consumerGroup: options.group ?? 'CG',
      topic: options.topic,
      queueId: options.queueId ?? 0,
      queueOffset: options.offset,
      maxMsgNums: options.maxMsgNums ?? 32,
      sysFlag,
      commitOffset: options.commitOffset ?? 0,
      suspendTimeoutMillis: options.suspendMs ?? 0,
      subscription: options.subscription,
      subVersion: options.subVersion ?? 0,
    });
    const response = await this.invoke(RequestCode.PULL_MESSAGE, {
      extFields,
      timeoutMs: options.timeoutMs,
    });
    return {
      code: response.code,
      remark: response.remark,
      header: [0, 19, 20, 21].includes(response.code)
        ? PullMessageResponseHeader.decode(response.extFields)
        : undefined,
      messages: response.body ? decodeMessageRecords(response.body) : [],
    };
  }

  heartbeat(data: HeartbeatData): Promise<RemotingCommand> {
    return this.invoke(RequestCode.HEART_BEAT, { body: encodeJsonBody(data) });
  }

  /** Heartbeats one clustering push consumer subscribed to `topics` (topic -> expression). */
  heartbeatConsumer(
    clientID: string,
    group: string,
    topics: Record<string, string>,
    subVersion = 1,
  ) {
    const consumer: ConsumerData = {
      groupName: group,
      consumeType: 'CONSUME_PASSIVELY',
      messageModel: 'CLUSTERING',
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
      subscriptionDataSet: Object.entries(topics).map(([topic, subString]) => {
        const tags = subString === '*' ? [] : subString.split('||').map((t) => t.trim());
        return { topic, subString, tagsSet: tags, codeSet: tags.map(tagHashCode), subVersion };
      }),
    };
    return this.heartbeat({ clientID, producerDataSet: [], consumerDataSet: [consumer] });
  }

  close(): Promise<void> {
    return this.remoting.close();
  }
}

/** UPDATE_AND_CREATE_TOPIC; fails unless SUCCESS. */
export async function createTopic(
  client: BrokerTestClient,
  topic: string,
  queues: number,
  perm = 6,
): Promise<void> {
  const response = await client.invoke(RequestCode.UPDATE_AND_CREATE_TOPIC, {
    extFields: CreateTopicRequestHeader.encode({
      topic,
      defaultTopic: 'TBW102',
      readQueueNums: queues,
      writeQueueNums: queues,
      perm,
      topicFilterType: 'SINGLE_TAG',
      order: false,
    }),
  });
  if (response.code !== 0) throw new Error(`create ${topic}: ${response.code} ${response.remark}`);
}
