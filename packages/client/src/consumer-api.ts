import {
  ConsumerGroupRequestHeader,
  ConsumerSendMsgBackRequestHeader,
  GetMaxOffsetRequestHeader,
  OffsetResponseHeader,
  PullMessageRequestHeader,
  PullMessageResponseHeader,
  RequestCode,
  ResponseCode,
  SearchOffsetRequestHeader,
  TopicQueueRequestHeader,
  createRequest,
  decodeJsonBody,
  decodeMessageRecords,
  encodeJsonBody,
  type ConsumerListBody,
  type LockBatchResponseBody,
  type MessageExt,
  type MessageQueue,
} from '@rocketnest/protocol';
import type { ClientInstance } from './client-instance';
import { MQBrokerError } from './errors';
import { invoke, invokeOk } from './remote';

export type PullStatus = 'FOUND' | 'NO_NEW_MSG' | 'NO_MATCHED_MSG' | 'OFFSET_ILLEGAL';

export interface PullResult {
  status: PullStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  messages: MessageExt[];
}

const PULL_STATUS: Record<number, PullStatus> = {
  [ResponseCode.SUCCESS]: 'FOUND',
  [ResponseCode.PULL_NOT_FOUND]: 'NO_NEW_MSG',
  [ResponseCode.PULL_RETRY_IMMEDIATELY]: 'NO_MATCHED_MSG',
  [ResponseCode.PULL_OFFSET_MOVED]: 'OFFSET_ILLEGAL',
};

export interface PullRequest {
  group: string;
  mq: MessageQueue;
  offset: number;
  maxMsgNums: number;
  sysFlag: number;
  commitOffset: number;
  suspendTimeoutMs: number;
  subscription: string;
  subVersion: number;
  /** LITE_PULL_MESSAGE instead of PULL_MESSAGE. */
  lite?: boolean;
}

/** The broker requests consumers make, typed (RocketMQ's MQClientAPIImpl, consumer half). */
export class ConsumerApi {
  constructor(private readonly instance: ClientInstance) {}

  private get remoting() {
    return this.instance.remoting;
  }

  private get timeoutMs() {
    return this.instance.requestTimeoutMs;
  }

  async pull(req: PullRequest): Promise<PullResult> {
    const addr = await this.instance.requireMasterAddr(req.mq.brokerName, req.mq.topic);
    const request = createRequest(
      req.lite ? RequestCode.LITE_PULL_MESSAGE : RequestCode.PULL_MESSAGE,
      {
        extFields: PullMessageRequestHeader.encode({
          consumerGroup: req.group,
          topic: req.mq.topic,
          queueId: req.mq.queueId,
          queueOffset: req.offset,
          maxMsgNums: req.maxMsgNums,
          sysFlag: req.sysFlag,
          commitOffset: req.commitOffset,
          suspendTimeoutMillis: req.suspendTimeoutMs,
          subscription: req.subscription,
          subVersion: req.subVersion,
          expressionType: 'TAG',
        }),
      },
    );
    const response = await invoke(
      this.remoting,
      addr,
      request,
      req.suspendTimeoutMs + 15_000,
      req.mq.topic,
    );
    const status = PULL_STATUS[response.code];
    if (!status) throw new MQBrokerError(response.code, response.remark, addr, req.mq.topic);
    const header = PullMessageResponseHeader.decode(response.extFields);
    const messages = status === 'FOUND' && response.body ? decodeMessageRecords(response.body) : [];
    return {
      status,
      nextBeginOffset: header.nextBeginOffset,
      minOffset: header.minOffset,
      maxOffset: header.maxOffset,
      messages,
    };
  }

  private async offsetOf(
    code: number,
    mq: MessageQueue,
    extFields: Record<string, string>,
  ): Promise<number> {
    const addr = await this.instance.requireMasterAddr(mq.brokerName, mq.topic);
    const response = await invokeOk(
      this.remoting,
      addr,
      createRequest(code, { extFields }),
      this.timeoutMs,
      mq.topic,
    );
    return OffsetResponseHeader.decode(response.extFields).offset;
  }

  maxOffset(mq: MessageQueue): Promise<number> {
    return this.offsetOf(
      RequestCode.GET_MAX_OFFSET,
      mq,
      GetMaxOffsetRequestHeader.encode({ topic: mq.topic, queueId: mq.queueId }),
    );
  }

  minOffset(mq: MessageQueue): Promise<number> {
    return this.offsetOf(
      RequestCode.GET_MIN_OFFSET,
      mq,
      TopicQueueRequestHeader.encode({ topic: mq.topic, queueId: mq.queueId }),
    );
  }

  searchOffset(mq: MessageQueue, timestamp: number): Promise<number> {
    return this.offsetOf(
      RequestCode.SEARCH_OFFSET_BY_TIMESTAMP,
      mq,
      SearchOffsetRequestHeader.encode({ topic: mq.topic, queueId: mq.queueId, timestamp }),
    );
  }

  /** Client ids of the group's members, as the broker of `topic` knows them. */
  async consumerIds(group: string, topic: string, brokerName: string): Promise<string[]> {
    const addr = await this.instance.requireMasterAddr(brokerName, topic);
    const request = createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, {
      extFields: ConsumerGroupRequestHeader.encode({ consumerGroup: group }),
    });
    const response = await invokeOk(this.remoting, addr, request, this.timeoutMs, topic);
    return decodeJsonBody<ConsumerListBody>(response.body, 'ConsumerListBody').consumerIdList ?? [];
  }

  async lockBatch(
    group: string,
    brokerName: string,
    mqs: readonly MessageQueue[],
  ): Promise<MessageQueue[]> {
    const addr = await this.instance.requireMasterAddr(brokerName, mqs[0]?.topic ?? '');
    const request = createRequest(RequestCode.LOCK_BATCH_MQ, {
      body: encodeJsonBody({ consumerGroup: group, clientId: this.instance.clientId, mqSet: mqs }),
    });
    const response = await invokeOk(this.remoting, addr, request, this.timeoutMs);
    return (
      decodeJsonBody<LockBatchResponseBody>(response.body, 'LockBatchResponseBody').lockOKMQSet ??
      []
    );
  }

  async unlockBatch(
    group: string,
    brokerName: string,
    mqs: readonly MessageQueue[],
  ): Promise<void> {
    const addr = await this.instance.requireMasterAddr(brokerName, mqs[0]?.topic ?? '');
    const request = createRequest(RequestCode.UNLOCK_BATCH_MQ, {
      body: encodeJsonBody({ consumerGroup: group, clientId: this.instance.clientId, mqSet: mqs }),
    });
    await invokeOk(this.remoting, addr, request, this.timeoutMs);
  }

  /** CONSUMER_SEND_MSG_BACK: delayLevel 0 lets the broker choose, -1 sends to the DLQ. */
  async sendBack(
    group: string,
    brokerName: string,
    msg: { topic: string; commitLogOffset: number; msgId: string },
    delayLevel: number,
    maxReconsumeTimes: number,
  ): Promise<void> {
    const addr = await this.instance.requireMasterAddr(brokerName, msg.topic);
    const request = createRequest(RequestCode.CONSUMER_SEND_MSG_BACK, {
      extFields: ConsumerSendMsgBackRequestHeader.encode({
        offset: msg.commitLogOffset,
        group,
        delayLevel,
        originMsgId: msg.msgId,
        originTopic: msg.topic,
        unitMode: false,
        maxReconsumeTimes,
      }),
    });
    await invokeOk(this.remoting, addr, request, this.timeoutMs, msg.topic);
  }
}
