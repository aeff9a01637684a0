import {
  CreateTopicRequestHeader,
  RequestCode,
  ResponseCode,
  createRequest,
  type RemotingClient,
} from '@rocketnest/protocol';

/** UPDATE_AND_CREATE_TOPIC on a broker, as RocketMQ's admin tools send it; throws unless SUCCESS. */
export async function createTopic(
  client: RemotingClient,
  brokerAddr: string,
  topic: string,
  queues = 4,
): Promise<void> {
  const extFields = CreateTopicRequestHeader.encode({
    topic,
    defaultTopic: 'TBW102',
    readQueueNums: queues,
    writeQueueNums: queues,
    perm: 6,
    topicFilterType: 'SINGLE_TAG',
    order: false,
  });
  const response = await client.invoke(
    brokerAddr,
    createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, { extFields }),
  );
  if (response.code !== ResponseCode.SUCCESS) {
    throw new Error(
      `creating topic ${topic} on ${brokerAddr} failed: ${response.code} ${response.remark ?? ''}`,
    );
  }
}
