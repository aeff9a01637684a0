import { totalmem } from 'node:os';
import {
  ConsumerGroupRequestHeader,
  QueryConsumerOffsetRequestHeader,
  RemotingError,
  RequestCode,
  ResponseCode,
  UpdateConsumerOffsetRequestHeader,
  createResponse,
  encodeJsonBody,
  readInt64BE,
  RecordOffset,
  type ConsumerListBody,
  type RemotingCommand,
  type RemotingServer,
} from '@rocketnest/protocol';
import type { BrokerContext } from '../broker-context';
import { offsetResponse } from './admin-offset-processor';

/**
 * QUERY_CONSUMER_OFFSET (14), UPDATE_CONSUMER_OFFSET (15) and GET_CONSUMER_LIST_BY_GROUP (38),
 * after RocketMQ's ConsumerManageProcessor.
 */
export class ConsumerManageProcessor {
  constructor(private readonly ctx: BrokerContext) {}

  registerTo(server: RemotingServer): void {
    server
      .registerProcessor(RequestCode.QUERY_CONSUMER_OFFSET, (req) => this.queryConsumerOffset(req))
      .registerProcessor(RequestCode.UPDATE_CONSUMER_OFFSET, (req) =>
        this.updateConsumerOffset(req),
      )
      .registerProcessor(RequestCode.GET_CONSUMER_LIST_BY_GROUP, (req) =>
        this.getConsumerListByGroup(req),
      );
  }

  /**
   * The committed offset; without one, 0 for a queue whose first message is still "in memory"
   * (so a new group on a young queue starts at its beginning even when consuming from the last
   * offset), else QUERY_NOT_FOUND and the client applies its consume-from-where policy.
   */
  async queryConsumerOffset(request: RemotingCommand): Promise<RemotingCommand> {
    const header = QueryConsumerOffsetRequestHeader.decode(request.extFields);
    const { consumerGroup, topic, queueId } = header;
    const committed = this.ctx.store.consumerOffsets.query(consumerGroup, topic, queueId);
    if (committed !== undefined && committed >= 0) return offsetResponse(request, committed);
    if (header.setZeroIfNotFound === false) {
      throw new RemotingError(
        `Not found, do not set to zero, maybe this group boot first (group ${consumerGroup}, ` +
          `topic ${topic}, queue ${queueId})`,
        ResponseCode.QUERY_NOT_FOUND,
      );
    }
    const minOffset = this.ctx.store.getMinOffsetInQueue(topic, queueId);
    if (minOffset <= 0 && !(await this.firstMessageSwappedOut(topic, queueId))) {
      return offsetResponse(request, 0);
    }
    // The exact remark RocketMQ sends; clients match on the code only.
    throw new RemotingError(
      'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first',
      ResponseCode.QUERY_NOT_FOUND,
    );
  }

  /**
   * checkInDiskByConsumeOffset(topic, queue, 0): whether the queue's first message lies further
   * behind the end of the commit log than the share of memory treated as page cache.
   */
  private async firstMessageSwappedOut(topic: string, queueId: number): Promise<boolean> {
    const { store, config } = this.ctx;
    if (store.getMaxOffsetInQueue(topic, queueId) === 0) return false;
    const first = await store.getMessage({ topic, queueId, offset: 0, maxMsgNums: 1 });
    const record = first.messages[0];
    if (!record) return false;
    const physicalOffset = readInt64BE(record, RecordOffset.PHYSICAL_OFFSET);
    const inMemory = totalmem() * config.accessMessageInMemoryMaxRatio;
    return store.maxPhysicalOffset - physicalOffset > inMemory;
  }

  updateConsumerOffset(request: RemotingCommand): RemotingCommand {
    const header = UpdateConsumerOffsetRequestHeader.decode(request.extFields);
    this.ctx.store.consumerOffsets.commit(
      header.consumerGroup,
      header.topic,
      header.queueId,
      header.commitOffset,
    );
    // ali-ons sends this "oneway" without the oneway flag: it gets (and ignores) this answer.
    return createResponse(request, ResponseCode.SUCCESS);
  }

  getConsumerListByGroup(request: RemotingCommand): RemotingCommand {
    const { consumerGroup } = ConsumerGroupRequestHeader.decode(request.extFields);
    const consumerIdList = this.ctx.consumers.clientIds(consumerGroup);
    if (consumerIdList.length === 0) {
      throw new RemotingError(
        `no consumer for this group, ${consumerGroup}`,
        ResponseCode.SYSTEM_ERROR,
      );
    }
    const body: ConsumerListBody = { consumerIdList };
    return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody(body) });
  }
}
