import {
  BodyDecodeError,
  RequestCode,
  ResponseCode,
  UnregisterClientRequestHeader,
  createResponse,
  decodeJsonBody,
  type ConsumerData,
  type HeartbeatData,
  type RemotingCommand,
  type RemotingConnection,
  type RemotingServer,
} from '@rocketnest/protocol';
import type { BrokerContext } from '../broker-context';
import type { ClientChannelInfo } from '../client/client-channel-info';
import { retryTopicOf } from '../topic/topic-validator';
import { RETRY_QUEUE_NUMS } from './abstract-send-message-processor';

/** Connection attribute holding the client id its heartbeats announced. */
export const CLIENT_ID_ATTRIBUTE = 'clientId';

/**
 * HEART_BEAT (34) and UNREGISTER_CLIENT (35), after RocketMQ's ClientManageProcessor: clients
 * announce their producer and consumer groups (with subscriptions) every 30 s; the groups live as
 * long as member connections do.
 */
export class ClientManageProcessor {
  constructor(private readonly ctx: BrokerContext) {}

  registerTo(server: RemotingServer): void {
    server
      .registerProcessor(RequestCode.HEART_BEAT, (req, conn) => this.heartBeat(req, conn))
      .registerProcessor(RequestCode.UNREGISTER_CLIENT, (req, conn) =>
        this.unregisterClient(req, conn),
      );
  }

  heartBeat(request: RemotingCommand, conn: RemotingConnection): RemotingCommand {
    const data = decodeJsonBody<HeartbeatData>(request.body, 'HeartbeatData');
    if (typeof data.clientID !== 'string' || data.clientID === '') {
      throw new BodyDecodeError('HeartbeatData: clientID is missing');
    }
    conn.attributes.set(CLIENT_ID_ATTRIBUTE, data.clientID);
    const member = (): ClientChannelInfo => ({
      connection: conn,
      clientId: data.clientID,
      language: request.language,
      version: request.version,
      lastUpdate: Date.now(),
    });
    const consumers = data.consumerDataSet ?? [];
    consumers.forEach(checkConsumerData);
    for (const consumer of consumers) {
      // Clustering consumers send failed messages back to their group's retry topic.
      if (consumer.messageModel !== 'BROADCASTING') {
        this.ctx.topics.getOrCreate(retryTopicOf(consumer.groupName), RETRY_QUEUE_NUMS);
      }
      this.ctx.consumers.register(consumer.groupName, member(), {
        consumeType: consumer.consumeType,
        messageModel: consumer.messageModel,
        consumeFromWhere: consumer.consumeFromWhere,
        subscriptions: consumer.subscriptionDataSet ?? [],
      });
    }
    for (const producer of data.producerDataSet ?? []) {
      if (typeof producer.groupName === 'string') {
        this.ctx.producers.register(producer.groupName, member());
      }
    }
    return createResponse(request, ResponseCode.SUCCESS);
  }

  unregisterClient(request: RemotingCommand, conn: RemotingConnection): RemotingCommand {
    const header = UnregisterClientRequestHeader.decode(request.extFields);
    if (header.producerGroup) this.ctx.producers.unregister(header.producerGroup, conn);
    if (header.consumerGroup) this.ctx.consumers.unregister(header.consumerGroup, conn);
    return createResponse(request, ResponseCode.SUCCESS);
  }
}

function checkConsumerData(consumer: ConsumerData): void {
  if (typeof consumer.groupName !== 'string' || consumer.groupName === '') {
    throw new BodyDecodeError('HeartbeatData: a consumer entry has no groupName');
  }
  for (const sub of consumer.subscriptionDataSet ?? []) {
    if (typeof sub.topic !== 'string' || typeof sub.subVersion !== 'number') {
      throw new BodyDecodeError(
        `HeartbeatData: a subscription of group ${consumer.groupName} lacks topic or subVersion`,
      );
    }
  }
}
