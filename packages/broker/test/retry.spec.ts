import { deflateSync } from 'node:zlib';
import {
  ConsumerSendMsgBackRequestHeader,
  RequestCode,
  ResponseCode,
  type MessageExt,
} from '@rocketnest/protocol';
import { SCHEDULE_TOPIC } from '@rocketnest/store';
import { createTopic, type BrokerTestClient } from './support/broker-test-client';
import { useCluster } from './support/cluster';

const ONE_SECOND_LEVELS = Array.from({ length: 18 }, () => '1s').join(' ');

describe('send back: retry and DLQ', () => {
  const cluster = useCluster({ store: { messageDelayLevel: ONE_SECOND_LEVELS } });
  let original: MessageExt;

  beforeAll(async () => {
    const client = cluster.client();
    await createTopic(client, 'RetryT', 1);
    await client.sendOk('RetryT', deflateSync(Buffer.from('payload')), {
      sysFlag: 0x1,
      flag: 7,
      properties: { TAGS: 'tagA', KEYS: 'k1 k2', UNIQ_KEY: 'UNIQ-1', custom: 'yes' },
    });
    const pulled = await client.pull({ topic: 'RetryT', offset: 0, subscription: '*' });
    original = pulled.messages[0]!;
  });

  function sendBack(
    client: BrokerTestClient,
    msg: MessageExt,
    delayLevel: number,
    maxReconsumeTimes = 16,
  ) {
    return client.invoke(RequestCode.CONSUMER_SEND_MSG_BACK, {
      extFields: ConsumerSendMsgBackRequestHeader.encode({
        offset: msg.commitLogOffset,
        group: 'RG',
        delayLevel,
        originMsgId: msg.msgId,
        originTopic: 'RetryT',
        maxReconsumeTimes,
      }),
    });
  }

  const scheduled = (level: number) =>
    cluster.broker.store.getMaxOffsetInQueue(SCHEDULE_TOPIC, level - 1);

  it('delivers a failed message to %RETRY%<group> after delay level 3 + reconsumeTimes, intact', async () => {
    const client = cluster.client();
    const before = scheduled(3);
    const response = await sendBack(client, original, 0);
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(scheduled(3)).toBe(before + 1);
    expect(cluster.broker.store.topics.get('%RETRY%RG')).toMatchObject({
      readQueueNums: 1,
      perm: 6,
    });

    const sentAt = Date.now();
    const pulled = await client.pull({
      topic: '%RETRY%RG',
      offset: 0,
      subscription: '*',
      suspendMs: 5000,
    });
    expect(pulled.code).toBe(ResponseCode.SUCCESS);
    expect(Date.now() - sentAt).toBeGreaterThan(500); // held by the 1 s delay level, then woken
    const retry = pulled.messages[0]!;
    expect(retry.body.toString()).toBe('payload');
    expect(retry.flag).toBe(7);
    expect(retry.reconsumeTimes).toBe(1);
    expect(retry.properties).toMatchObject({
      TAGS: 'tagA',
      KEYS: 'k1 k2',
      UNIQ_KEY: 'UNIQ-1',
      custom: 'yes',
      RETRY_TOPIC: 'RetryT',
      ORIGIN_MESSAGE_ID: original.msgId,
    });
    expect(retry.properties.DELAY).toBeUndefined();

    // Its own failure goes one level further (3 + 1).
    const before4 = scheduled(4);
    expect((await sendBack(client, retry, 0)).code).toBe(ResponseCode.SUCCESS);
    expect(scheduled(4)).toBe(before4 + 1);
  });

  it('honours an explicit delay level', async () => {
    const before = scheduled(2);
    expect((await sendBack(cluster.client(), original, 2)).code).toBe(ResponseCode.SUCCESS);
    expect(scheduled(2)).toBe(before + 1);
  });

  async function dlqMessages(client: BrokerTestClient): Promise<MessageExt[]> {
    const result = await client.pull({ topic: '%DLQ%RG', offset: 0, subscription: '*' });
    return result.messages;
  }

  it('moves the message to %DLQ%<group> once reconsumeTimes reaches the maximum', async () => {
    const client = cluster.client();
    const retried = (await client.pull({ topic: '%RETRY%RG', offset: 0, subscription: '*' }))
      .messages[0]!;
    expect((await sendBack(client, retried, 0, 1)).code).toBe(ResponseCode.SUCCESS);
    const [dead] = await dlqMessages(client);
    expect(dead).toBeDefined();
    expect(dead!.reconsumeTimes).toBe(2);
    expect(dead!.body.toString()).toBe('payload');
    expect(dead!.properties).toMatchObject({
      UNIQ_KEY: 'UNIQ-1',
      RETRY_TOPIC: 'RetryT',
      custom: 'yes',
    });
    expect(dead!.properties.DELAY).toBeUndefined();
    expect(cluster.broker.store.topics.get('%DLQ%RG')).toMatchObject({
      writeQueueNums: 1,
      perm: 6,
    });
  });

  it('moves the message straight to the DLQ when delayLevel is negative', async () => {
    const client = cluster.client();
    const before = (await dlqMessages(client)).length;
    expect((await sendBack(client, original, -1)).code).toBe(ResponseCode.SUCCESS);
    const after = await dlqMessages(client);
    expect(after).toHaveLength(before + 1);
    expect(after[after.length - 1]!.reconsumeTimes).toBe(1);
  });

  it('answers SYSTEM_ERROR when no message is stored at the offset', async () => {
    const response = await sendBack(
      cluster.client(),
      { ...original, commitLogOffset: 10_000_000 },
      0,
    );
    expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(response.remark).toBe('look message by offset failed, 10000000 (group RG)');
  });
});
