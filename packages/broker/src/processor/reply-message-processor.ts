import {
  MessageProperty,
  RemotingError,
  RequestCode,
  ReplyMessageRequestHeader,
  ResponseCode,
  createRequest,
  decodeProperties,
  encodeProperties,
  formatHostPort,
  sendHeaderCodecFor,
  type RemotingCommand,
  type RemotingConnection,
  type RemotingServer,
} from '@rocketnest/protocol';
import type { BrokerContext } from '../broker-context';
import { bornHostOf } from '../socket-addresses';
import {
  checkMessageSize,
  chooseQueueId,
  msgCheck,
  sendResponseFor,
} from './abstract-send-message-processor';

/**
 * SEND_REPLY_MESSAGE (324, long header names) and SEND_REPLY_MESSAGE_V2 (325), after RocketMQ's
 * ReplyMessageProcessor: the replier's answer is pushed straight to the requesting client's
 * connection (PUSH_REPLY_MESSAGE_TO_CLIENT, 326), found by the REPLY_TO_CLIENT client id its
 * heartbeats registered. The reply is stored as well only with `storeReplyMessage`.
 */
export class ReplyMessageProcessor {
  constructor(private readonly ctx: BrokerContext) {}

  registerTo(server: RemotingServer): void {
    const reply = (req: RemotingCommand, conn: RemotingConnection) => this.reply(req, conn);
    server
      .registerProcessor(RequestCode.SEND_REPLY_MESSAGE, reply)
      .registerProcessor(RequestCode.SEND_REPLY_MESSAGE_V2, reply);
  }

  async reply(request: RemotingCommand, conn: RemotingConnection): Promise<RemotingCommand> {
    const header = sendHeaderCodecFor(request.code).decode(request.extFields);
    const config = msgCheck(this.ctx, header, conn.remoteAddress);
    const body = request.body ?? Buffer.alloc(0);
    checkMessageSize(this.ctx, header.topic, body.length, header.properties);
    const queueId = chooseQueueId(header.queueId, config);
    const properties = decodeProperties(header.properties);
    const requester = properties[MessageProperty.MESSAGE_REPLY_TO_CLIENT];
    if (!requester) {
      throw new RemotingError(
        `reply message properties[${MessageProperty.MESSAGE_REPLY_TO_CLIENT}] is null`,
        ResponseCode.SYSTEM_ERROR,
      );
    }
    const target = this.ctx.producers.findConnection(requester);
    if (!target) {
      throw new RemotingError(
        `push reply message fail, channel of <${requester}> not found.`,
        ResponseCode.SYSTEM_ERROR,
      );
    }
    const bornHost = bornHostOf(conn);
    properties[MessageProperty.PUSH_REPLY_TIME] = String(Date.now());
    const push = createRequest(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, {
      extFields: ReplyMessageRequestHeader.encode({
        producerGroup: header.producerGroup,
        topic: header.topic,
        defaultTopic: header.defaultTopic,
        defaultTopicQueueNums: header.defaultTopicQueueNums,
        queueId,
        sysFlag: header.sysFlag,
        bornTimestamp: header.bornTimestamp,
        flag: header.flag,
        properties: encodeProperties(properties),
        reconsumeTimes: header.reconsumeTimes,
        unitMode: header.unitMode,
        bornHost: formatHostPort(bornHost),
        storeHost: this.ctx.brokerAddr,
        storeTimestamp: Date.now(),
      }),
      body,
    });
    await this.push(target, push, requester);
    if (!this.ctx.config.storeReplyMessage) {
      // RocketMQ answers "0" ids when the reply is not stored (clients must not fail decoding).
      return sendResponseFor(this.ctx, request, 'PUT_OK', { msgId: '0', queueId, queueOffset: 0 });
    }
    const stored = await this.ctx.store.putMessage({
      topic: header.topic,
      queueId,
      body,
      properties,
      flag: header.flag,
      sysFlag: header.sysFlag,
      bornTimestamp: header.bornTimestamp,
      bornHost,
      reconsumeTimes: header.reconsumeTimes ?? 0,
    });
    return sendResponseFor(this.ctx, request, stored.status, {
      msgId: stored.msgId,
      queueId,
      queueOffset: stored.queueOffset,
    });
  }

  private async push(target: RemotingConnection, push: RemotingCommand, requester: string) {
    let response: RemotingCommand;
    try {
      response = await this.ctx.broker2client.callClient(target, push);
    } catch (err) {
      throw new RemotingError(
        `push reply message to ${requester} fail: ${err instanceof Error ? err.message : String(err)}`,
        ResponseCode.SYSTEM_ERROR,
      );
    }
    if (response.code !== ResponseCode.SUCCESS) {
      throw new RemotingError(
        `push reply message to ${requester} fail: ${response.code} ${response.remark ?? ''}`.trim(),
        ResponseCode.SYSTEM_ERROR,
      );
    }
  }
}
