import {
  AUTO_CREATE_TOPIC_KEY_TOPIC,
  ConnectionError,
  DEFAULT_COMPRESS_OVER,
  KEY_SEPARATOR,
  MAX_PROPERTIES_LENGTH,
  MessageProperty,
  MessageSysFlag,
  REPLY_MESSAGE_TYPE,
  ReplyMessageRequestHeader,
  RequestCode,
  ResponseCode,
  SendMessageRequestHeaderV2,
  SendMessageResponseHeader,
  compressBody,
  createRequest,
  createResponse,
  createUniqueId,
  decodeProperties,
  encodeBatch,
  encodeProperties,
  tagHashCode,
  type MessageQueue,
  type RemotingCommand,
  type TopicRouteData,
} from '@rocketnest/protocol';
import { inflateSync } from 'node:zlib';
import { ClientInstance, publishQueues, type ClientOptions } from './client-instance';
import { MQBrokerError, MQClientError, MQTimeoutError } from './errors';
import {
  DLQ_GROUP_TOPIC_PREFIX,
  RETRY_GROUP_TOPIC_PREFIX,
  type ConsumedMessage,
  type Message,
} from './message';
import { invoke, isNetworkError } from './remote';
import { SendAccumulator, type PendingSend } from './send-accumulator';

export interface ProducerOptions extends ClientOptions {
  /** Producer group. Default "DEFAULT_PRODUCER". */
  group?: string;
  /** Timeout of one send, retries included (ms). Default 3000. */
  sendTimeoutMs?: number;
  /** Extra attempts of a failed send, on another broker when there is one. Default 2. */
  retryTimesWhenSendFailed?: number;
  /** Bodies larger than this many bytes are zlib-compressed. Default 4096. */
  compressOver?: number;
  /** Largest body accepted (bytes). Default 4 MiB. */
  maxMessageSize?: number;
  /** Queues of a topic auto-created through TBW102. Default 4. */
  defaultTopicQueueNums?: number;
  /** Response codes that make a send retry on another broker (Java's retryResponseCodes). */
  retryResponseCodes?: readonly number[];
  /**
   * Coalesce `send` calls made in the same turn of the event loop into batch requests, one per
   * topic (RocketMQ 5's autoBatch). Round robin then moves on per batch rather than per message.
   * Each send still resolves with its own id, queue and offset.
   * Sends with a queue, selector, sharding key, delay or compressed body always go alone.
   * Default true.
   */
  autoBatch?: boolean;
  /** With autoBatch: a batch is sent once its messages reach this many bytes. Default 64 KiB. */
  batchMaxBytes?: number;
  /**
   * With autoBatch: how long a send may wait for others to join its batch (ms). Default 0: only
   * sends made before the event loop's next turn are coalesced, which adds no timer latency.
   */
  batchMaxDelayMs?: number;
}

export type SendStatus =
  'SEND_OK' | 'FLUSH_DISK_TIMEOUT' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE';

export interface SendResult {
  status: SendStatus;
  /** The message's UNIQ_KEY (for a batch: the ids joined by commas). */
  msgId: string;
  /** The broker's offset message id. */
  offsetMsgId: string;
  queue: MessageQueue;
  queueOffset: number;
  regionId?: string;
}

/** Picks the queue of a message; for ordered sending, e.g. hash(orderId) % queues. */
export type MessageQueueSelector = (
  queues: readonly MessageQueue[],
  message: Message,
) => MessageQueue;

export interface SendOptions {
  selector?: MessageQueueSelector;
  /** Send to this queue exactly. */
  queue?: MessageQueue;
  timeoutMs?: number;
}

/** The default selector for `shardingKey`: Java's SelectMessageQueueByHash. */
export const selectByHash =
  (key: string): MessageQueueSelector =>
  (queues) =>
    queues[Math.abs(tagHashCode(key)) % queues.length]!;

const SEND_OK_CODES: Record<number, SendStatus> = {
  [ResponseCode.SUCCESS]: 'SEND_OK',
  [ResponseCode.FLUSH_DISK_TIMEOUT]: 'FLUSH_DISK_TIMEOUT',
  [ResponseCode.FLUSH_SLAVE_TIMEOUT]: 'FLUSH_SLAVE_TIMEOUT',
  [ResponseCode.SLAVE_NOT_AVAILABLE]: 'SLAVE_NOT_AVAILABLE',
};

export const DEFAULT_RETRY_RESPONSE_CODES: readonly number[] = [
  ResponseCode.TOPIC_NOT_EXIST,
  ResponseCode.SERVICE_NOT_AVAILABLE,
  ResponseCode.SYSTEM_ERROR,
  ResponseCode.SYSTEM_BUSY,
  ResponseCode.NO_PERMISSION,
  ResponseCode.NO_BUYER_ID,
  ResponseCode.NOT_IN_CURRENT_UNIT,
  1500, // GO_AWAY
];

interface EncodedMessage {
  topic: string;
  body: Buffer;
  sysFlag: number;
  flag: number;
  properties: Record<string, string>;
}

/** A send waiting in the accumulator for its batch. */
interface Accumulated {
  encoded: EncodedMessage;
  message: Message;
}

/**
 * What one message adds to a batch besides its body, as the accumulator counts it: the item's
 * fixed fields (22 bytes, MessageDecoder.encodeMessages) and an allowance for typical properties
 * (UNIQ_KEY, WAIT, a tag and a key), so counting needs no encoding.
 */
const BATCH_ITEM_ALLOWANCE = 22 + 64;

interface PublishInfo {
  queues: MessageQueue[];
  next: number;
  /** The route `queues` were computed from: they are recomputed only when it is replaced. */
  route?: TopicRouteData;
}

/** Whether a send may share a batch request: RocketMQ refuses delay, retry and DLQ topics in one. */
function isBatchable(message: Message, encoded: EncodedMessage, options: SendOptions): boolean {
  return (
    !options.queue &&
    !options.selector &&
    !message.shardingKey &&
    encoded.sysFlag === 0 &&
    encoded.properties[MessageProperty.DELAY_TIME_LEVEL] === undefined &&
    encoded.properties[MessageProperty.TIMER_DELIVER_MS] === undefined &&
    encoded.properties[MessageProperty.TRANSACTION_PREPARED] === undefined &&
    !encoded.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) &&
    !encoded.topic.startsWith(DLQ_GROUP_TOPIC_PREFIX) &&
    propertiesFitBatch(encoded.properties)
  );
}

/**
 * Whether the properties surely fit a batch item (at most 3 UTF-8 bytes per UTF-16 unit, plus
 * separators). Larger ones go alone, so that a refusal fails that send and not its batch.
 */
function propertiesFitBatch(properties: Record<string, string>): boolean {
  let units = 0;
  for (const name in properties) units += name.length + properties[name]!.length + 2;
  return units * 3 <= MAX_PROPERTIES_LENGTH;
}

/**
 * One SEND_BATCH_MESSAGE payload. With `withIds`, its UNIQ_KEY property lists the messages' ids in
 * order, which becomes the SendResult's msgId (sendBatch); auto-batches split results per message
 * and need no such list.
 */
function batchOf(
  topic: string,
  items: readonly EncodedMessage[],
  withIds: boolean,
): EncodedMessage {
  const properties: Record<string, string> = {};
  if (withIds) {
    const ids = items.map((i) => i.properties[MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX]);
    properties[MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX] = ids.join(',');
  }
  return { topic, body: encodeBatch(items), sysFlag: 0, flag: 0, properties };
}

interface PendingRequest {
  resolve(msg: ConsumedMessage): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * A RocketMQ producer: `send` resolves once the broker stored the message (retrying on another
 * broker for network errors and retryable codes), any number of sends may be in flight;
 * `sendOneway`, `sendBatch`, `request` (request-reply) and `reply`.
 */
export class Producer {
  readonly group: string;
  private readonly instance: ClientInstance;
  private readonly publishInfo = new Map<string, PublishInfo>();
  private readonly pendingRequests = new Map<string, PendingRequest>();
  private readonly options: Required<
    Pick<
      ProducerOptions,
      | 'sendTimeoutMs'
      | 'retryTimesWhenSendFailed'
      | 'compressOver'
      | 'maxMessageSize'
      | 'defaultTopicQueueNums'
      | 'retryResponseCodes'
    >
  >;
  private state: 'created' | 'running' | 'stopped' = 'created';
  private readonly accumulator: SendAccumulator<Accumulated, SendResult> | undefined;

  constructor(options: ProducerOptions) {
    this.group = options.group ?? 'DEFAULT_PRODUCER';
    this.options = {
      sendTimeoutMs: options.sendTimeoutMs ?? 3000,
      retryTimesWhenSendFailed: options.retryTimesWhenSendFailed ?? 2,
      compressOver: options.compressOver ?? DEFAULT_COMPRESS_OVER,
      maxMessageSize: options.maxMessageSize ?? 4 * 1024 * 1024,
      defaultTopicQueueNums: options.defaultTopicQueueNums ?? 4,
      retryResponseCodes: options.retryResponseCodes ?? DEFAULT_RETRY_RESPONSE_CODES,
    };
    this.instance = new ClientInstance(options);
    this.instance.addProducer(this.group);
    if (options.autoBatch ?? true) {
      this.accumulator = new SendAccumulator({
        maxBytes: options.batchMaxBytes ?? 64 * 1024,
        lingerMs: options.batchMaxDelayMs ?? 0,
        sizeOf: ({ encoded }) => BATCH_ITEM_ALLOWANCE + encoded.body.length,
        send: (batch) => this.sendAccumulated(batch),
      });
    }
  }

  get clientId(): string {
    return this.instance.clientId;
  }

  async start(): Promise<void> {
    if (this.state !== 'created') throw new MQClientError(`producer is ${this.state}`);
    this.instance.registerProcessor(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, (req) =>
      this.onReply(req),
    );
    this.instance.start();
    this.state = 'running';
  }

  async shutdown(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopped';
    await this.accumulator?.drain();
    for (const [id, pending] of this.pendingRequests) {
      clearTimeout(pending.timer);
      pending.reject(new MQClientError(`producer shut down before the reply to ${id} came`));
    }
    this.pendingRequests.clear();
    await this.instance.shutdown();
  }

  /** Sends one message and resolves with where the broker stored it. */
  async send(message: Message, options: SendOptions = {}): Promise<SendResult> {
    this.checkRunning();
    const encoded = this.encode(message);
    if (this.accumulator && isBatchable(message, encoded, options)) {
      const timeoutMs = options.timeoutMs ?? this.options.sendTimeoutMs;
      return this.accumulator.add(encoded.topic, { encoded, message }, timeoutMs);
    }
    return this.sendEncoded(encoded, message, options, RequestCode.SEND_MESSAGE_V2);
  }

  /** Sends without waiting for the broker's answer (no retries, no result). */
  async sendOneway(message: Message, options: SendOptions = {}): Promise<void> {
    this.checkRunning();
    const encoded = this.encode(message);
    const queue = await this.pickQueue(encoded.topic, message, options, undefined);
    const addr = await this.instance.requireMasterAddr(queue.brokerName, queue.topic);
    const request = this.sendRequest(RequestCode.SEND_MESSAGE_V2, encoded, queue, true);
    await this.instance.remoting.invokeOneway(addr, request);
  }

  /** Sends messages of one topic as one SEND_BATCH_MESSAGE, stored in one queue in order. */
  async sendBatch(messages: readonly Message[], options: SendOptions = {}): Promise<SendResult> {
    this.checkRunning();
    if (messages.length === 0)
      throw new MQClientError('a batch needs at least one message', ResponseCode.MESSAGE_ILLEGAL);
    const topic = messages[0]!.topic;
    const items = messages.map((m) => {
      if (m.topic !== topic) {
        throw new MQClientError(
          'messages of a batch must share one topic',
          ResponseCode.MESSAGE_ILLEGAL,
        );
      }
      if (m.delayLevel || m.deliverAt) {
        throw new MQClientError('batch messages cannot be delayed', ResponseCode.MESSAGE_ILLEGAL);
      }
      return this.encode(m, false);
    });
    const batch = batchOf(topic, items, true);
    this.checkSize(topic, batch.body.length);
    return this.sendEncoded(batch, messages[0]!, options, RequestCode.SEND_BATCH_MESSAGE);
  }

  /**
   * Request-reply: sends `message` with CORRELATION_ID, REPLY_TO_CLIENT and TTL and resolves with
   * the reply the broker pushes back (PUSH_REPLY_MESSAGE_TO_CLIENT), or rejects after `timeoutMs`.
   */
  async request(
    message: Message,
    timeoutMs = 3000,
    options: SendOptions = {},
  ): Promise<ConsumedMessage> {
    this.checkRunning();
    const correlationId = createUniqueId();
    const properties = {
      ...message.properties,
      [MessageProperty.CORRELATION_ID]: correlationId,
      [MessageProperty.MESSAGE_REPLY_TO_CLIENT]: this.instance.clientId,
      [MessageProperty.MESSAGE_TTL]: String(timeoutMs),
    };
    const reply = new Promise<ConsumedMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingRequests.delete(correlationId);
        reject(
          new MQTimeoutError(
            `no reply to the request to topic ${message.topic} within ${timeoutMs} ms`,
            '',
            message.topic,
          ),
        );
      }, timeoutMs);
      this.pendingRequests.set(correlationId, { resolve, reject, timer });
    });
    try {
      await this.send({ ...message, properties }, { ...options, timeoutMs });
    } catch (err) {
      const pending = this.pendingRequests.get(correlationId);
      if (pending) clearTimeout(pending.timer);
      this.pendingRequests.delete(correlationId);
      reply.catch(() => undefined);
      throw err;
    }
    return reply;
  }

  /**
   * Answers a request message (one that has CORRELATION_ID and REPLY_TO_CLIENT): sends
   * SEND_REPLY_MESSAGE_V2 to the `<cluster>_REPLY_TOPIC`, which the broker pushes to the requester.
   */
  async reply(
    request: ConsumedMessage,
    body: Buffer | string,
    properties: Record<string, string> = {},
  ): Promise<SendResult> {
    this.checkRunning();
    const req = request.properties;
    const correlationId = req[MessageProperty.CORRELATION_ID];
    const replyTo = req[MessageProperty.MESSAGE_REPLY_TO_CLIENT];
    if (!correlationId || !replyTo) {
      throw new MQClientError(
        `message ${request.msgId} is not a request (no CORRELATION_ID / REPLY_TO_CLIENT)`,
        ResponseCode.MESSAGE_ILLEGAL,
      );
    }
    const cluster = req[MessageProperty.CLUSTER] ?? 'DefaultCluster';
    const reply: Message = {
      topic: `${cluster}_REPLY_TOPIC`,
      body,
      properties: {
        ...properties,
        [MessageProperty.CORRELATION_ID]: correlationId,
        [MessageProperty.MESSAGE_REPLY_TO_CLIENT]: replyTo,
        [MessageProperty.MESSAGE_TTL]: req[MessageProperty.MESSAGE_TTL] ?? '3000',
        [MessageProperty.MESSAGE_TYPE]: REPLY_MESSAGE_TYPE,
      },
    };
    const encoded = this.encode(reply);
    let queue: MessageQueue;
    try {
      queue = await this.pickQueue(reply.topic, reply, {}, undefined);
    } catch {
      // No route for the reply topic: answer through the broker that stored the request.
      queue = { topic: reply.topic, brokerName: request.brokerName, queueId: 0 };
    }
    return this.sendOnce(
      RequestCode.SEND_REPLY_MESSAGE_V2,
      encoded,
      queue,
      this.options.sendTimeoutMs,
    );
  }

  // ---- internals -----------------------------------------------------------------------

  /**
   * Sends what the accumulator gathered for one topic: a lone message as an ordinary send, more
   * as one batch to the next queue in round-robin order (retried as a whole, like any send),
   * whose result is split back into one result per message.
   */
  private async sendAccumulated(batch: PendingSend<Accumulated, SendResult>[]): Promise<void> {
    const { message, encoded: first } = batch[0]!.item;
    if (batch.length === 1) {
      const { timeoutMs, resolve } = batch[0]!;
      resolve(await this.sendEncoded(first, message, { timeoutMs }, RequestCode.SEND_MESSAGE_V2));
      return;
    }
    const encoded = batchOf(
      first.topic,
      batch.map((p) => p.item.encoded),
      false,
    );
    if (encoded.body.length > this.options.maxMessageSize) {
      // Unusually large properties: too big for one request, so each goes alone.
      await Promise.all(batch.map((p) => this.sendAccumulated([p]).catch(p.reject)));
      return;
    }
    let timeoutMs = batch[0]!.timeoutMs;
    for (const p of batch) timeoutMs = Math.min(timeoutMs, p.timeoutMs);
    const code = RequestCode.SEND_BATCH_MESSAGE;
    const result = await this.sendEncoded(encoded, message, { timeoutMs }, code);
    const offsetMsgIds = result.offsetMsgId.split(',');
    for (let i = 0; i < batch.length; i++) {
      const { item, resolve } = batch[i]!;
      resolve({
        status: result.status,
        msgId: item.encoded.properties[MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX]!,
        offsetMsgId: offsetMsgIds[i] ?? '',
        queue: result.queue,
        queueOffset: result.queueOffset + i,
        regionId: result.regionId,
      });
    }
  }

  private checkRunning(): void {
    if (this.state !== 'running') {
      throw new MQClientError(
        `producer ${this.group} is ${this.state}, not running`,
        ResponseCode.SERVICE_NOT_AVAILABLE,
      );
    }
  }

  private checkSize(topic: string, size: number): void {
    if (size === 0)
      throw new MQClientError(
        `message body of topic ${topic} is empty`,
        ResponseCode.MESSAGE_ILLEGAL,
      );
    if (size > this.options.maxMessageSize) {
      throw new MQClientError(
        `message body of topic ${topic} is ${size} bytes, above the maximum ${this.options.maxMessageSize}`,
        ResponseCode.MESSAGE_ILLEGAL,
      );
    }
  }

  private encode(message: Message, compress = true): EncodedMessage {
    if (!message.topic)
      throw new MQClientError('message topic is empty', ResponseCode.MESSAGE_ILLEGAL);
    let body = typeof message.body === 'string' ? Buffer.from(message.body, 'utf8') : message.body;
    this.checkSize(message.topic, body.length);
    const properties: Record<string, string> = { ...message.properties };
    if (message.tags) properties[MessageProperty.TAGS] = message.tags;
    if (message.keys !== undefined) {
      const keys = Array.isArray(message.keys) ? message.keys : [message.keys];
      if (keys.length > 0) properties[MessageProperty.KEYS] = keys.join(KEY_SEPARATOR);
    }
    if (message.delayLevel !== undefined && message.delayLevel > 0) {
      properties[MessageProperty.DELAY_TIME_LEVEL] = String(message.delayLevel);
    }
    if (message.deliverAt !== undefined) {
      const at =
        message.deliverAt instanceof Date ? message.deliverAt.getTime() : message.deliverAt;
      properties[MessageProperty.TIMER_DELIVER_MS] = String(at);
      properties[MessageProperty.START_DELIVER_TIME] = String(at);
    }
    if (message.shardingKey) properties[MessageProperty.SHARDING_KEY] = message.shardingKey;
    properties[MessageProperty.WAIT_STORE_MSG_OK] ??= 'true';
    properties[MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX] ??= createUniqueId();
    let sysFlag = 0;
    if (compress && body.length > this.options.compressOver) {
      body = compressBody(body);
      sysFlag |= MessageSysFlag.COMPRESSED;
    }
    return { topic: message.topic, body, sysFlag, flag: message.flag ?? 0, properties };
  }

  private async publishInfoOf(topic: string): Promise<PublishInfo> {
    const cached = this.instance.cachedRoute(topic);
    let info = this.publishInfo.get(topic);
    if (info && cached) {
      if (info.route === cached && info.queues.length > 0) return info;
      info.queues = publishQueues(topic, cached);
      info.route = cached;
      if (info.queues.length > 0) return info;
    }
    let queues: MessageQueue[];
    try {
      queues = publishQueues(topic, await this.instance.route(topic));
    } catch (err) {
      if (!(err instanceof MQClientError) || err.code !== ResponseCode.TOPIC_NOT_EXIST) throw err;
      queues = await this.autoCreateQueues(topic, err);
    }
    if (queues.length === 0) {
      throw new MQClientError(`topic ${topic} has no writable queue`, ResponseCode.TOPIC_NOT_EXIST);
    }
    // Sends racing on the first route lookup share one round-robin position.
    info = this.publishInfo.get(topic) ?? {
      queues,
      next: Math.floor(Math.random() * queues.length),
    };
    info.queues = queues;
    this.publishInfo.set(topic, info);
    return info;
  }

  /** Java's fallback: queues of TBW102's brokers, so a broker with autoCreateTopicEnable creates it. */
  private async autoCreateQueues(topic: string, notFound: MQClientError): Promise<MessageQueue[]> {
    let route;
    try {
      route = await this.instance.route(AUTO_CREATE_TOPIC_KEY_TOPIC);
    } catch {
      throw notFound;
    }
    const queues: MessageQueue[] = [];
    for (const q of publishQueues(AUTO_CREATE_TOPIC_KEY_TOPIC, route)) {
      if (q.queueId < this.options.defaultTopicQueueNums) queues.push({ ...q, topic });
    }
    return queues;
  }

  private async pickQueue(
    topic: string,
    message: Message,
    options: SendOptions,
    lastBroker: string | undefined,
  ): Promise<MessageQueue> {
    if (options.queue) return options.queue;
    const info = await this.publishInfoOf(topic);
    const selector =
      options.selector ?? (message.shardingKey ? selectByHash(message.shardingKey) : undefined);
    if (selector) return selector(info.queues, message);
    // Round robin, avoiding the broker the previous attempt failed on (Java's selectOneMessageQueue).
    for (let i = 0; i < info.queues.length; i++) {
      const q = info.queues[info.next++ % info.queues.length]!;
      if (q.brokerName !== lastBroker) return q;
    }
    return info.queues[info.next++ % info.queues.length]!;
  }

  private async sendEncoded(
    encoded: EncodedMessage,
    message: Message,
    options: SendOptions,
    code: number,
  ): Promise<SendResult> {
    const timeoutMs = options.timeoutMs ?? this.options.sendTimeoutMs;
    const started = Date.now();
    // Ordered sends (a selector or an explicit queue) are not moved to another queue.
    const pinned = Boolean(options.queue || options.selector || message.shardingKey);
    const attempts = pinned ? 1 : 1 + this.options.retryTimesWhenSendFailed;
    let lastBroker: string | undefined;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const remaining = timeoutMs - (Date.now() - started);
      if (remaining <= 0) break;
      const queue = await this.pickQueue(encoded.topic, message, options, lastBroker);
      try {
        return await this.sendOnce(code, encoded, queue, remaining);
      } catch (err) {
        lastError = err;
        lastBroker = queue.brokerName;
        const retryable =
          isNetworkError(err) ||
          (err instanceof MQBrokerError && this.options.retryResponseCodes.includes(err.code)) ||
          (err instanceof MQClientError && err.code === ResponseCode.SERVICE_NOT_AVAILABLE);
        if (!retryable) throw err;
        this.instance.logger.warn('send failed, retrying', {
          topic: encoded.topic,
          broker: queue.brokerName,
          err: String(err),
        });
      }
    }
    if (lastError) throw lastError;
    throw new MQTimeoutError(
      `send to topic ${encoded.topic} timed out after ${timeoutMs} ms`,
      lastBroker ?? '',
      encoded.topic,
    );
  }

  private sendRequest(
    code: number,
    encoded: EncodedMessage,
    queue: MessageQueue,
    oneway = false,
  ): RemotingCommand {
    return createRequest(code, {
      oneway,
      extFields: SendMessageRequestHeaderV2.encode({
        producerGroup: this.group,
        topic: queue.topic,
        defaultTopic: AUTO_CREATE_TOPIC_KEY_TOPIC,
        defaultTopicQueueNums: this.options.defaultTopicQueueNums,
        queueId: queue.queueId,
        sysFlag: encoded.sysFlag,
        bornTimestamp: Date.now(),
        flag: encoded.flag,
        properties:
          code === RequestCode.SEND_BATCH_MESSAGE
            ? undefined
            : encodeProperties(encoded.properties),
        reconsumeTimes: 0,
        unitMode: false,
        batch: code === RequestCode.SEND_BATCH_MESSAGE,
      }),
      body: encoded.body,
    });
  }

  private async sendOnce(
    code: number,
    encoded: EncodedMessage,
    queue: MessageQueue,
    timeoutMs: number,
  ): Promise<SendResult> {
    const addr = await this.instance.requireMasterAddr(queue.brokerName, queue.topic);
    const request = this.sendRequest(code, encoded, queue);
    let response: RemotingCommand;
    try {
      response = await invoke(this.instance.remoting, addr, request, timeoutMs, queue.topic);
    } catch (err) {
      if (err instanceof ConnectionError) {
        throw new ConnectionError(
          `send to topic ${queue.topic} on broker ${queue.brokerName} (${addr}) failed: ${err.message}`,
          addr,
        );
      }
      throw err;
    }
    const status = SEND_OK_CODES[response.code];
    if (!status) throw new MQBrokerError(response.code, response.remark, addr, queue.topic);
    const header = SendMessageResponseHeader.decode(response.extFields);
    return {
      status,
      msgId: encoded.properties[MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX] ?? header.msgId,
      offsetMsgId: header.msgId,
      queue: { ...queue, queueId: header.queueId },
      queueOffset: header.queueOffset,
      regionId: response.extFields?.[MessageProperty.MSG_REGION],
    };
  }

  private onReply(req: RemotingCommand): RemotingCommand {
    const header = ReplyMessageRequestHeader.decode(req.extFields);
    const properties = { ...decodeProperties(header.properties) };
    const correlationId = properties[MessageProperty.CORRELATION_ID];
    const pending = correlationId ? this.pendingRequests.get(correlationId) : undefined;
    if (pending && correlationId) {
      this.pendingRequests.delete(correlationId);
      clearTimeout(pending.timer);
      let body = req.body ?? Buffer.alloc(0);
      if (header.sysFlag & MessageSysFlag.COMPRESSED) body = inflateSync(body);
      const uniq = properties[MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX] ?? '';
      const keys = properties[MessageProperty.KEYS];
      pending.resolve({
        msgId: uniq,
        offsetMsgId: '',
        topic: header.topic,
        tags: properties[MessageProperty.TAGS],
        keys: keys ? keys.split(KEY_SEPARATOR) : [],
        properties,
        body,
        queueId: header.queueId,
        queueOffset: 0,
        brokerName: '',
        reconsumeTimes: header.reconsumeTimes ?? 0,
        bornTimestamp: header.bornTimestamp,
        storeTimestamp: header.storeTimestamp,
        commitLogOffset: 0,
        pulledFrom: header.topic,
      });
    } else {
      this.instance.logger.warn('reply for an unknown or expired request', { correlationId });
    }
    return createResponse(req, ResponseCode.SUCCESS);
  }
}
