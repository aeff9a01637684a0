import {
  PullMessageRequestHeader,
  PullMessageResponseHeader,
  PullSysFlag,
  RemotingError,
  RequestCode,
  ResponseCode,
  createResponse,
  isReadable,
  parseTagExpression,
  tagHashCode,
  type PullMessageRequest,
  type RemotingCommand,
  type RemotingConnection,
  type RemotingServer,
} from '@rocketnest/protocol';
import type { GetMessageResult } from '@rocketnest/store';
import type { BrokerContext } from '../broker-context';

/** The largest batch one pull returns, whatever the client asks. */
const MAX_PULL_BATCH = 1024;

type TagFilter = ((tagsCode: number) => boolean) | undefined;

/**
 * PULL_MESSAGE (11) and LITE_PULL_MESSAGE (361), after RocketMQ's PullMessageProcessor: the
 * checks in its order, the store status mapped to a response code, the four offset fields on
 * every outcome, the commit offset stored, and long polling: a pull that finds nothing and may
 * suspend is held until a matching message arrives in its queue or its hold time passes, then
 * run once more and answered.
 */
export class PullMessageProcessor {
  constructor(private readonly ctx: BrokerContext) {}

  registerTo(server: RemotingServer): void {
    const pull = (req: RemotingCommand, conn: RemotingConnection) => this.process(req, conn, true);
    server
      .registerProcessor(RequestCode.PULL_MESSAGE, pull)
      .registerProcessor(RequestCode.LITE_PULL_MESSAGE, pull);
  }

  /** @param allowSuspend false when re-running a held pull: it is answered whatever it finds. */
  async process(
    request: RemotingCommand,
    conn: RemotingConnection,
    allowSuspend: boolean,
  ): Promise<RemotingCommand | undefined> {
    const header = PullMessageRequestHeader.decode(request.extFields);
    this.checkTopicAndQueue(header, conn);
    const filter = this.filterFor(header);
    const result = await this.ctx.store.getMessage({
      topic: header.topic,
      queueId: header.queueId,
      offset: header.queueOffset,
      maxMsgNums: Math.max(1, Math.min(header.maxMsgNums, MAX_PULL_BATCH)),
      maxBytes: header.maxMsgBytes,
      filter,
    });
    if (allowSuspend) this.commitOffset(header);
    const code = responseCodeOf(result, header.queueOffset);
    if (code === ResponseCode.PULL_NOT_FOUND && allowSuspend && this.maySuspend(header)) {
      return this.suspend(request, conn, header, filter);
    }
    if (code === ResponseCode.SUCCESS) {
      this.ctx.stats.msgGetTotal += result.messages.length;
      if (this.ctx.metrics) {
        let bytes = 0;
        for (const m of result.messages) bytes += m.length;
        this.ctx.metrics.recordGet(
          header.consumerGroup,
          header.topic,
          result.messages.length,
          bytes,
        );
      }
    }
    return createResponse(request, code, {
      remark: result.status,
      extFields: PullMessageResponseHeader.encode({
        suggestWhichBrokerId: 0,
        nextBeginOffset: result.nextBeginOffset,
        minOffset: result.minOffset,
        maxOffset: result.maxOffset,
      }),
      body: code === ResponseCode.SUCCESS ? Buffer.concat(result.messages) : undefined,
    });
  }

  private checkTopicAndQueue(header: PullMessageRequest, conn: RemotingConnection): void {
    const config = this.ctx.topics.select(header.topic);
    if (!config) {
      throw new RemotingError(
        `topic[${header.topic}] not exist, apply first please!`,
        ResponseCode.TOPIC_NOT_EXIST,
      );
    }
    if (!isReadable(config.perm)) {
      throw new RemotingError(
        `the topic[${header.topic}] pulling message is forbidden`,
        ResponseCode.NO_PERMISSION,
      );
    }
    if (header.queueId < 0 || header.queueId >= config.readQueueNums) {
      throw new RemotingError(
        `queueId[${header.queueId}] is illegal, topic:[${header.topic}] ` +
          `topicConfig.readQueueNums:[${config.readQueueNums}] consumer:[${conn.remoteAddress}]`,
        ResponseCode.SYSTEM_ERROR,
      );
    }
  }

  /**
   * The subscription to filter with: the request's own with FLAG_SUBSCRIPTION, else the one the
   * group registered by heartbeat (Java push consumers rely on the latter).
   */
  private filterFor(header: PullMessageRequest): TagFilter {
    const subscription =
      (header.sysFlag & PullSysFlag.SUBSCRIPTION) !== 0
        ? { subString: header.subscription ?? '*', expressionType: header.expressionType }
        : this.registeredSubscription(header);
    const type = subscription.expressionType ?? 'TAG';
    if (type !== 'TAG') {
      throw new RemotingError(
        `The broker does not support consumer to filter message by ${type} ` +
          `(group ${header.consumerGroup}, topic ${header.topic})`,
        ResponseCode.SYSTEM_ERROR,
      );
    }
    const { all, tags } = parseTagExpression(subscription.subString);
    if (all) return undefined;
    const codes = new Set(tags.map(tagHashCode));
    return (tagsCode) => codes.has(tagsCode);
  }

  private registeredSubscription(header: PullMessageRequest) {
    const group = this.ctx.consumers.group(header.consumerGroup);
    if (!group) {
      throw new RemotingError(
        `the consumer's group info not exist, group: ${header.consumerGroup}`,
        ResponseCode.SUBSCRIPTION_NOT_EXIST,
      );
    }
    const subscription = group.subscriptions.get(header.topic);
    if (!subscription) {
      throw new RemotingError(
        `the consumer's subscription not exist, group: ${header.consumerGroup}, topic: ${header.topic}`,
        ResponseCode.SUBSCRIPTION_NOT_EXIST,
      );
    }
    if (subscription.subVersion < header.subVersion) {
      throw new RemotingError(
        `the consumer's subscription not latest, group: ${header.consumerGroup}, topic: ${header.topic}`,
        ResponseCode.SUBSCRIPTION_NOT_LATEST,
      );
    }
    return subscription;
  }

  private commitOffset(header: PullMessageRequest): void {
    if ((header.sysFlag & PullSysFlag.COMMIT_OFFSET) === 0 || header.commitOffset < 0) return;
    this.ctx.store.consumerOffsets.commit(
      header.consumerGroup,
      header.topic,
      header.queueId,
      header.commitOffset,
    );
  }

  private maySuspend(header: PullMessageRequest): boolean {
    return (header.sysFlag & PullSysFlag.SUSPEND) !== 0 && !this.ctx.isShuttingDown();
  }

  /**
   * Parks the pull. The hold service wakes it on a matching arrival, on its timeout, on shutdown
   * (re-run once, answered) or drops it when the client disconnects (settled, no answer).
   */
  private suspend(
    request: RemotingCommand,
    conn: RemotingConnection,
    header: PullMessageRequest,
    filter: TagFilter,
  ): Promise<RemotingCommand | undefined> {
    const { config, store } = this.ctx;
    // A message that arrived while the store was being read would wake nothing: run again now.
    if (store.getMaxOffsetInQueue(header.topic, header.queueId) > header.queueOffset) {
      return this.process(request, conn, false);
    }
    const holdMs = config.longPollingEnable
      ? Math.max(0, Math.min(header.suspendTimeoutMillis, config.maxSuspendTimeoutMs))
      : config.shortPollingTimeMs;
    return new Promise((resolve, reject) => {
      this.ctx.holds.suspend(
        {
          topic: header.topic,
          queueId: header.queueId,
          offset: header.queueOffset,
          connection: conn,
          matches: (tagsCode) => filter === undefined || filter(tagsCode),
          wake: () => this.process(request, conn, false).then(resolve, reject),
          drop: () => resolve(undefined),
        },
        holdMs,
      );
    });
  }
}

/** RocketMQ's status -> response code mapping (remoting.md 7.1). */
function responseCodeOf(result: GetMessageResult, requestedOffset: number): number {
  switch (result.status) {
    case 'FOUND':
      return ResponseCode.SUCCESS;
    case 'NO_MATCHED_MESSAGE':
    case 'MESSAGE_WAS_REMOVING':
      return ResponseCode.PULL_RETRY_IMMEDIATELY;
    case 'NO_MESSAGE_IN_QUEUE':
    case 'NO_MATCHED_LOGIC_QUEUE':
      return requestedOffset !== 0 ? ResponseCode.PULL_OFFSET_MOVED : ResponseCode.PULL_NOT_FOUND;
    case 'OFFSET_OVERFLOW_ONE':
      return ResponseCode.PULL_NOT_FOUND;
    case 'OFFSET_TOO_SMALL':
    case 'OFFSET_OVERFLOW_BADLY':
      return ResponseCode.PULL_OFFSET_MOVED;
  }
}
