import {
  GetMaxOffsetRequestHeader,
  OffsetResponseHeader,
  RequestCode,
  ResponseCode,
  SearchOffsetRequestHeader,
  TimestampResponseHeader,
  TopicQueueRequestHeader,
  createResponse,
  type RemotingCommand,
  type RemotingServer,
} from '@rocketnest/protocol';
import type { BrokerContext } from '../broker-context';

/**
 * Queue offset lookups, the offset part of RocketMQ's AdminBrokerProcessor: GET_MAX_OFFSET (30),
 * GET_MIN_OFFSET (31), SEARCH_OFFSET_BY_TIMESTAMP (29), GET_EARLIEST_MSG_STORETIME (32). As in
 * RocketMQ, an unknown topic or queue answers 0 rather than an error.
 */
export class AdminOffsetProcessor {
  constructor(private readonly ctx: BrokerContext) {}

  registerTo(server: RemotingServer): void {
    const { store } = this.ctx;
    server
      .registerProcessor(RequestCode.GET_MAX_OFFSET, (req) => {
        const { topic, queueId } = GetMaxOffsetRequestHeader.decode(req.extFields);
        return offsetResponse(req, store.getMaxOffsetInQueue(topic, queueId));
      })
      .registerProcessor(RequestCode.GET_MIN_OFFSET, (req) => {
        const { topic, queueId } = TopicQueueRequestHeader.decode(req.extFields);
        return offsetResponse(req, store.getMinOffsetInQueue(topic, queueId));
      })
      .registerProcessor(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, async (req) => {
        const { topic, queueId, timestamp } = SearchOffsetRequestHeader.decode(req.extFields);
        return offsetResponse(req, await store.getOffsetInQueueByTime(topic, queueId, timestamp));
      })
      .registerProcessor(RequestCode.GET_EARLIEST_MSG_STORETIME, async (req) => {
        const { topic, queueId } = TopicQueueRequestHeader.decode(req.extFields);
        const timestamp = await store.getEarliestMessageTime(topic, queueId);
        return createResponse(req, ResponseCode.SUCCESS, {
          extFields: TimestampResponseHeader.encode({ timestamp }),
        });
      });
  }
}

/** SUCCESS with the `offset` header (OffsetResponseHeader). */
export function offsetResponse(request: RemotingCommand, offset: number): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS, {
    extFields: OffsetResponseHeader.encode({ offset }),
  });
}
