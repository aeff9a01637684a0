import {
  ConsumerGroupRequestHeader,
  RequestCode,
  ResponseCode,
  UnregisterClientRequestHeader,
  createResponse,
  decodeJsonBody,
  encodeJsonBody,
  type ConsumerListBody,
  type LockBatchRequestBody,
  type LockBatchResponseBody,
  type MessageQueue,
} from '@rocketnest/protocol';
import { createTopic, type BrokerTestClient } from './support/broker-test-client';
import { eventually, sleep, useCluster, type TestCluster } from './support/cluster';

/** A client that records the NOTIFY_CONSUMER_IDS_CHANGED groups it receives. */
function notified(client: BrokerTestClient): string[] {
  const groups: string[] = [];
  client.onRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (req) => {
    groups.push(ConsumerGroupRequestHeader.decode(req.extFields).consumerGroup);
    return createResponse(req, ResponseCode.SUCCESS);
  });
  return groups;
}

async function consumerIds(cluster: TestCluster, group: string): Promise<string[] | string> {
  const response = await cluster.client().invoke(RequestCode.GET_CONSUMER_LIST_BY_GROUP, {
    extFields: ConsumerGroupRequestHeader.encode({ consumerGroup: group }),
  });
  if (response.code !== ResponseCode.SUCCESS) return `${response.code} ${response.remark}`;
  return decodeJsonBody<ConsumerListBody>(response.body, 'ConsumerListBody').consumerIdList.sort();
}

describe('consumer groups', () => {
  // Long enough that a stalled worker cannot let a lock lapse between two steps of a test.
  const cluster = useCluster({ rebalanceLockExpiryMs: 1500 });

  beforeAll(async () => {
    await createTopic(cluster.client(), 'GroupT', 4);
  });

  it('lists the members heartbeats registered and creates the group retry topic', async () => {
    const a = cluster.client();
    await a.heartbeatConsumer('10.0.0.1@a', 'ListG', { GroupT: '*' });
    const b = cluster.client();
    const response = await b.heartbeat({
      clientID: '10.0.0.2@b',
      producerDataSet: [{ groupName: 'SomeProducer' }],
      consumerDataSet: [
        {
          groupName: 'ListG',
          consumeType: 'CONSUME_PASSIVELY',
          messageModel: 'CLUSTERING',
          consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
          subscriptionDataSet: [
            { topic: 'GroupT', subString: '*', tagsSet: [], codeSet: [], subVersion: 1 },
          ],
        },
      ],
    });
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(await consumerIds(cluster, 'ListG')).toEqual(['10.0.0.1@a', '10.0.0.2@b']);
    expect(cluster.broker.store.topics.get('%RETRY%ListG')).toMatchObject({
      readQueueNums: 1,
      writeQueueNums: 1,
      perm: 6,
    });
  });

  it('does not create a retry topic for broadcasting consumers', async () => {
    await cluster.client().heartbeat({
      clientID: 'c@bc',
      producerDataSet: [],
      consumerDataSet: [
        {
          groupName: 'BroadcastG',
          consumeType: 'CONSUME_PASSIVELY',
          messageModel: 'BROADCASTING',
          consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
          subscriptionDataSet: [],
        },
      ],
    });
    expect(await consumerIds(cluster, 'BroadcastG')).toEqual(['c@bc']);
    expect(cluster.broker.store.topics.get('%RETRY%BroadcastG')).toBeUndefined();
  });

  it('answers SYSTEM_ERROR "no consumer for this group" for a group without members', async () => {
    expect(await consumerIds(cluster, 'Ghost')).toBe(
      `${ResponseCode.SYSTEM_ERROR} no consumer for this group, Ghost`,
    );
  });

  it('notifies members when one joins, changes subscription, unregisters or disconnects', async () => {
    const a = cluster.client();
    const seenByA = notified(a);
    await a.heartbeatConsumer('a', 'NotifyG', { GroupT: '*' });
    await sleep(20);
    seenByA.length = 0;
    await a.heartbeatConsumer('a', 'NotifyG', { GroupT: '*' });
    await sleep(20);
    expect(seenByA).toEqual([]); // an unchanged heartbeat is no change

    const b = cluster.client();
    const seenByB = notified(b);
    await b.heartbeatConsumer('b', 'NotifyG', { GroupT: '*' });
    await eventually('A notified of the join', () => seenByA.length === 1);
    await eventually('B notified of the join', () => seenByB.length === 1);
    expect(seenByA).toEqual(['NotifyG']);

    await b.heartbeatConsumer('b', 'NotifyG', { GroupT: '*', Extra: '*' }, 2);
    await eventually('A notified of the new topic', () => seenByA.length === 2);

    const c = cluster.client();
    await c.heartbeatConsumer('c', 'NotifyG', { GroupT: '*' });
    await eventually('A notified of C', () => seenByA.length === 3);
    await c.invoke(RequestCode.UNREGISTER_CLIENT, {
      extFields: UnregisterClientRequestHeader.encode({ clientID: 'c', consumerGroup: 'NotifyG' }),
    });
    await eventually('A notified of the unregistration', () => seenByA.length === 4);

    await b.close();
    await eventually('A notified of the disconnect', () => seenByA.length === 5);
    expect(seenByA.every((g) => g === 'NotifyG')).toBe(true);
    expect(await consumerIds(cluster, 'NotifyG')).toEqual(['a']);
  });

  const mqs = (...ids: number[]): MessageQueue[] =>
    ids.map((queueId) => ({ topic: 'GroupT', brokerName: 'broker-a', queueId }));

  async function lock(
    client: BrokerTestClient,
    clientId: string,
    queues: MessageQueue[],
    code: number = RequestCode.LOCK_BATCH_MQ,
  ) {
    const body: LockBatchRequestBody = { consumerGroup: 'OrderlyG', clientId, mqSet: queues };
    const response = await client.invoke(code, { body: encodeJsonBody(body) });
    expect(response.code).toBe(ResponseCode.SUCCESS);
    if (code !== RequestCode.LOCK_BATCH_MQ) return [];
    return decodeJsonBody<LockBatchResponseBody>(response.body, 'LockBatchResponseBody')
      .lockOKMQSet.map((mq) => mq.queueId)
      .sort();
  }

  it('locks queues for one client at a time, unlocks, and frees expired locks', async () => {
    const one = cluster.client();
    const two = cluster.client();
    expect(await lock(one, 'one', mqs(0, 1))).toEqual([0, 1]);
    expect(await lock(two, 'two', mqs(1, 2))).toEqual([2]);
    expect(await lock(one, 'one', mqs(0, 1, 2))).toEqual([0, 1]); // renewal, 2 is two's
    await lock(one, 'one', mqs(1), RequestCode.UNLOCK_BATCH_MQ);
    await lock(two, 'two', mqs(0), RequestCode.UNLOCK_BATCH_MQ); // not two's: no effect
    expect(await lock(two, 'two', mqs(0, 1))).toEqual([1]);
    await sleep(1600); // past rebalanceLockExpiryMs without renewal
    expect(await lock(two, 'two', mqs(0))).toEqual([0]);
  });

  it('answers a malformed lock body with SYSTEM_ERROR', async () => {
    const response = await cluster
      .client()
      .invoke(RequestCode.LOCK_BATCH_MQ, { body: Buffer.from('{"x":1}') });
    expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(response.remark).toContain('LockBatchRequestBody');
  });
});

describe('client expiry', () => {
  // Heartbeats every 200 ms against a 2 s expiry: only a client that really stopped expires,
  // not one whose worker stalled for a few hundred milliseconds.
  const cluster = useCluster({ clientExpiryMs: 2000, clientScanIntervalMs: 100 });

  it('disconnects a client without heartbeats and notifies the rest of its group', async () => {
    const silent = cluster.client();
    const alive = cluster.client();
    const seen = notified(alive);
    let silentClosed = false;
    silent.remoting.on('disconnect', () => (silentClosed = true));
    await silent.heartbeatConsumer('silent', 'ExpiryG', { T: '*' });
    await alive.heartbeatConsumer('alive', 'ExpiryG', { T: '*' });
    await eventually('alive notified of its own join', () => seen.length === 1);
    const beat = setInterval(
      () => void alive.heartbeatConsumer('alive', 'ExpiryG', { T: '*' }),
      200,
    );
    try {
      await eventually('silent evicted', () => silentClosed, 6000);
      await eventually('alive notified of the eviction', () => seen.length === 2);
      expect(await consumerIds(cluster, 'ExpiryG')).toEqual(['alive']);
    } finally {
      clearInterval(beat);
    }
  });
});
