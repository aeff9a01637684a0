import { performance } from 'node:perf_hooks';
import {
  MessageProperty,
  MessageSysFlag,
  RemotingError,
  RequestCode,
  ResponseCode,
  decodeBatch,
  decodeProperties,
  sendHeaderCodecFor,
  transactionType,
  type MessageProperties,
  type RemotingCommand,
  type RemotingConnection,
  type RemotingServer,
  type SendMessageRequest,
  type TopicConfig,
} from '@rocketnest/protocol';
import type { PutMessageInput } from '@rocketnest/store';
import type { BrokerContext } from '../broker-context';
import { bornHostOf } from '../socket-addresses';
import {
  DLQ_GROUP_TOPIC_PREFIX,
  RETRY_GROUP_TOPIC_PREFIX,
  dlqTopicOf,
} from '../topic/topic-validator';
import {
  DLQ_QUEUE_NUMS,
  checkMessageSize,
  chooseQueueId,
  maxReconsumeTimesOf,
  msgCheck,
  sendResponseFor,
} from './abstract-send-message-processor';

/**
 * SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320), after RocketMQ's
 * SendMessageProcessor: validate, route retries past their limit to the DLQ, store, answer with
 * the offset msgId, queue id and queue offset. Delay levels and delivery times are the store's.
 */
export class SendMessageProcessor {
  constructor(private readonly ctx: BrokerContext) {}

  registerTo(server: RemotingServer): void {
    const send = (req: RemotingCommand, conn: RemotingConnection) => this.sendMessage(req, conn);
    server
      .registerProcessor(RequestCode.SEND_MESSAGE, send)
      .registerProcessor(RequestCode.SEND_MESSAGE_V2, send)
      .registerProcessor(RequestCode.SEND_BATCH_MESSAGE, (req, conn) => this.sendBatch(req, conn));
  }

  /** What single and batch sends check first: header, topic (msgCheck), size, properties. */
  private checkedSend(request: RemotingCommand, conn: RemotingConnection) {
    const header = sendHeaderCodecFor(request.code).decode(request.extFields);
    const config = msgCheck(this.ctx, header, conn.remoteAddress);
    const body = request.body ?? Buffer.alloc(0);
    checkMessageSize(this.ctx, header.topic, body.length, header.properties);
    return { header, config, body, properties: decodeProperties(header.properties) };
  }

  async sendMessage(request: RemotingCommand, conn: RemotingConnection): Promise<RemotingCommand> {
    const startedAt = this.ctx.metrics ? performance.now() : 0;
    const { header, config, body, properties } = this.checkedSend(request, conn);
    rejectTransactions(this.ctx, properties, header.topic);
    const target = this.routeRetryAndDLQ(request, header, chooseQueueId(header.queueId, config));
    properties[MessageProperty.CLUSTER] = this.ctx.config.clusterName;
    if (target.topic !== header.topic) delete properties[MessageProperty.DELAY_TIME_LEVEL];
    const result = await this.ctx.store.putMessage({
      topic: target.topic,
      queueId: target.queueId,
      body,
      properties,
      flag: header.flag,
      sysFlag: sysFlagFor(header.sysFlag, config),
      bornTimestamp: header.bornTimestamp,
      bornHost: bornHostOf(conn),
      reconsumeTimes: header.reconsumeTimes ?? 0,
    });
    this.ctx.stats.msgPutTotal++;
    this.ctx.metrics?.recordPut(target.topic, 1, body.length, startedAt);
    return sendResponseFor(this.ctx, request, result.status, {
      msgId: result.msgId,
      queueId: target.queueId,
      queueOffset: result.queueOffset,
    });
  }

  /**
   * SendMessageProcessor.handleRetryAndDLQ: a message re-sent to %RETRY%<group> (a client whose
   * send-back failed) that has used up its reconsume times goes to %DLQ%<group> instead.
   */
  private routeRetryAndDLQ(
    request: RemotingCommand,
    header: SendMessageRequest,
    queueId: number,
  ): { topic: string; queueId: number } {
    if (!header.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) return { topic: header.topic, queueId };
    const group = header.topic.slice(RETRY_GROUP_TOPIC_PREFIX.length);
    const max = maxReconsumeTimesOf(this.ctx, request, header.maxReconsumeTimes);
    if ((header.reconsumeTimes ?? 0) < max) return { topic: header.topic, queueId };
    const dlq = dlqTopicOf(group);
    this.ctx.topics.getOrCreate(dlq, DLQ_QUEUE_NUMS);
    this.ctx.logger.info('retried message moved to the DLQ', {
      group,
      reconsumeTimes: header.reconsumeTimes,
      maxReconsumeTimes: max,
    });
    return { topic: dlq, queueId: 0 };
  }

  /**
   * A batch body holds several messages for the header's topic and queue; they are stored one
   * after the other (consecutive queue offsets) and answered with their offset ids comma-joined
   * and the first one's queue offset.
   */
  async sendBatch(request: RemotingCommand, conn: RemotingConnection): Promise<RemotingCommand> {
    const startedAt = this.ctx.metrics ? performance.now() : 0;
    const { header, config, body, properties: batchProperties } = this.checkedSend(request, conn);
    checkBatchAllowed(header, batchProperties);
    const items = decodeBatch(body);
    if (items.length === 0) {
      throw new RemotingError(
        `batch for topic ${header.topic} is empty`,
        ResponseCode.MESSAGE_ILLEGAL,
      );
    }
    const queueId = chooseQueueId(header.queueId, config);
    if (items.some((item) => item.properties[MessageProperty.DELAY_TIME_LEVEL] !== undefined)) {
      throw batchError(header.topic, 'a batch message cannot be delayed');
    }
    const sysFlag = sysFlagFor(header.sysFlag, config);
    const bornHost = bornHostOf(conn);
    const reconsumeTimes = header.reconsumeTimes ?? 0;
    const cluster = this.ctx.config.clusterName;
    // Built in a plain loop with one object shape: spreading the decoded (prototype-less)
    // property maps per message cost more than storing the message.
    const inputs = new Array<PutMessageInput>(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      // Item properties win over the batch's own (RocketMQ appends the batch's: WAIT, CLUSTER).
      const properties = item.properties;
      for (const name in batchProperties) properties[name] ??= batchProperties[name]!;
      properties[MessageProperty.CLUSTER] = cluster;
      inputs[i] = {
        topic: header.topic,
        queueId,
        sysFlag,
        bornTimestamp: header.bornTimestamp,
        bornHost,
        reconsumeTimes,
        body: item.body,
        properties,
        flag: item.flag,
      };
    }
    // One store call: consecutive queue offsets, and a refused item stores none of the batch.
    const results = await this.ctx.store.putMessages(inputs);
    this.ctx.stats.msgPutTotal += results.length;
    if (this.ctx.metrics) {
      let bytes = 0;
      for (const item of items) bytes += item.body.length;
      this.ctx.metrics.recordPut(header.topic, results.length, bytes, startedAt);
    }
    const timedOut = results.some((r) => r.status !== 'PUT_OK');
    return sendResponseFor(this.ctx, request, timedOut ? 'FLUSH_DISK_TIMEOUT' : 'PUT_OK', {
      msgId: results.map((r) => r.msgId).join(','),
      queueId,
      queueOffset: results[0]!.queueOffset,
    });
  }
}

function sysFlagFor(requested: number, config: TopicConfig): number {
  return config.topicFilterType === 'MULTI_TAG' ? requested | MessageSysFlag.MULTI_TAGS : requested;
}

/**
 * Transactional half messages need the transaction service (END_TRANSACTION, state checks), which
 * this broker does not have yet: refused as a broker with rejectTransactionMessage does.
 */
function rejectTransactions(
  ctx: BrokerContext,
  properties: MessageProperties,
  topic: string,
): void {
  if (properties[MessageProperty.TRANSACTION_PREPARED] === 'true') {
    throw new RemotingError(
      `the broker[${ctx.brokerAddr}] sending transaction message is forbidden (topic ${topic})`,
      ResponseCode.NO_PERMISSION,
    );
  }
}

/** As RocketMQ's batch path: no transactions, no delay, no retry or DLQ topics in a batch. */
function checkBatchAllowed(header: SendMessageRequest, properties: MessageProperties): void {
  if (transactionType(header.sysFlag) !== MessageSysFlag.TRANSACTION_NOT_TYPE) {
    throw batchError(header.topic, 'a batch cannot be transactional');
  }
  if (properties[MessageProperty.DELAY_TIME_LEVEL] !== undefined) {
    throw batchError(header.topic, 'a batch cannot be delayed');
  }
  if (
    header.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) ||
    header.topic.startsWith(DLQ_GROUP_TOPIC_PREFIX)
  ) {
    throw batchError(header.topic, 'retry and DLQ topics do not take batches');
  }
}

function batchError(topic: string, why: string): RemotingError {
  return new RemotingError(`${why}, topic: ${topic}`, ResponseCode.MESSAGE_ILLEGAL);
}
