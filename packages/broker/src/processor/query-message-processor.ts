import {
  QueryMessageRequestHeader,
  QueryMessageResponseHeader,
  RemotingError,
  RequestCode,
  ResponseCode,
  UNIQUE_MSG_QUERY_FLAG,
  ViewMessageRequestHeader,
  createResponse,
  readInt64BE,
  RecordOffset,
  type RemotingCommand,
  type RemotingServer,
} from '@rocketnest/protocol';
import type { BrokerContext } from '../broker-context';

/** MessageStoreConfig.defaultQueryMaxNum: the cap of a unique-key query. */
const DEFAULT_QUERY_MAX_NUM = 32;

/**
 * QUERY_MESSAGE (12) by key through the index, and VIEW_MESSAGE_BY_ID (33) by commit-log offset,
 * after RocketMQ's QueryMessageProcessor. Bodies are raw stored records.
 */
export class QueryMessageProcessor {
  constructor(private readonly ctx: BrokerContext) {}

  registerTo(server: RemotingServer): void {
    server
      .registerProcessor(RequestCode.QUERY_MESSAGE, (req) => this.queryMessage(req))
      .registerProcessor(RequestCode.VIEW_MESSAGE_BY_ID, (req) => this.viewMessageById(req));
  }

  async queryMessage(request: RemotingCommand): Promise<RemotingCommand> {
    const header = QueryMessageRequestHeader.decode(request.extFields);
    // A unique-key lookup (msgId = UNIQ_KEY) is capped by the broker, not by the client.
    const uniqueKey = request.extFields?.[UNIQUE_MSG_QUERY_FLAG] === 'true';
    const maxNum = uniqueKey ? DEFAULT_QUERY_MAX_NUM : header.maxNum;
    const result = await this.ctx.store.queryMessage(
      header.topic,
      header.key,
      maxNum,
      header.beginTimestamp,
      header.endTimestamp,
    );
    const extFields = QueryMessageResponseHeader.encode({
      indexLastUpdateTimestamp: result.lastUpdateTimestamp,
      indexLastUpdatePhyoffset: result.lastUpdatePhyOffset,
    });
    if (result.messages.length === 0) {
      return createResponse(request, ResponseCode.QUERY_NOT_FOUND, {
        remark:
          `can not find message, maybe time range not correct (topic ${header.topic}, ` +
          `key ${header.key})`,
        extFields,
      });
    }
    return createResponse(request, ResponseCode.SUCCESS, {
      extFields,
      body: Buffer.concat(result.messages),
    });
  }

  async viewMessageById(request: RemotingCommand): Promise<RemotingCommand> {
    const { offset } = ViewMessageRequestHeader.decode(request.extFields);
    const record =
      offset >= 0 && offset < this.ctx.store.maxPhysicalOffset
        ? await this.ctx.store.readRecord(offset)
        : undefined;
    // A record stores its own offset: anything else is bytes inside another record's body.
    if (!record || readInt64BE(record, RecordOffset.PHYSICAL_OFFSET) !== offset) {
      throw new RemotingError(
        `can not find message by the offset, ${offset}`,
        ResponseCode.SYSTEM_ERROR,
      );
    }
    return createResponse(request, ResponseCode.SUCCESS, { body: record });
  }
}
