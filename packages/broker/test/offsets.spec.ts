import { totalmem } from 'node:os';
import {
  GetMaxOffsetRequestHeader,
  OffsetResponseHeader,
  QueryConsumerOffsetRequestHeader,
  RequestCode,
  ResponseCode,
  SearchOffsetRequestHeader,
  TimestampResponseHeader,
  TopicQueueRequestHeader,
  UpdateConsumerOffsetRequestHeader,
  createRequest,
  parseOffsetMessageId,
} from '@rocketnest/protocol';
import { createTopic, type BrokerTestClient } from './support/broker-test-client';
import { sleep, useCluster } from './support/cluster';

describe('offsets', () => {
  // A tiny "page cache" share: a queue whose first message is 2+ KB behind the log end is "old".
  const cluster = useCluster({ accessMessageInMemoryMaxRatio: 2048 / totalmem() });
  const times: number[] = [];

  beforeAll(async () => {
    const client = cluster.client();
    await createTopic(client, 'Off', 2);
    await createTopic(client, 'Young', 1);
    for (let i = 0; i < 6; i++) {
      const header = await client.sendOk('Off', `m${i}`, { queueId: 0 });
      const stored = await cluster.broker.store.lookMessageByOffset(
        parseOffsetMessageId(header.msgId).commitLogOffset,
      );
      times.push(stored!.storeTimestamp);
      await sleep(3);
    }
    // Push the log end far past Off's first message, then start a young queue.
    await client.sendOk('Off', Buffer.alloc(4096), { queueId: 1 });
    await client.sendOk('Young', Buffer.alloc(10), { queueId: 0 });
  });

  const query = (client: BrokerTestClient, group: string, topic: string, queueId: number) =>
    client.invoke(RequestCode.QUERY_CONSUMER_OFFSET, {
      extFields: QueryConsumerOffsetRequestHeader.encode({ consumerGroup: group, topic, queueId }),
    });

  it('stores and returns committed offsets (UPDATE_CONSUMER_OFFSET, QUERY_CONSUMER_OFFSET)', async () => {
    const client = cluster.client();
    const update = await client.invoke(RequestCode.UPDATE_CONSUMER_OFFSET, {
      extFields: UpdateConsumerOffsetRequestHeader.encode({
        consumerGroup: 'G1',
        topic: 'Off',
        queueId: 0,
        commitOffset: 4,
      }),
    });
    expect(update.code).toBe(ResponseCode.SUCCESS);
    const response = await query(client, 'G1', 'Off', 0);
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(OffsetResponseHeader.decode(response.extFields).offset).toBe(4);
  });

  it('applies a oneway UPDATE_CONSUMER_OFFSET without answering it', async () => {
    const remoting = cluster.remoting();
    await remoting.invokeOneway(
      cluster.brokerAddr,
      createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, {
        extFields: UpdateConsumerOffsetRequestHeader.encode({
          consumerGroup: 'G2',
          topic: 'Off',
          queueId: 0,
          commitOffset: 2,
        }),
      }),
    );
    const response = await query(cluster.client(), 'G2', 'Off', 0);
    expect(OffsetResponseHeader.decode(response.extFields).offset).toBe(2);
    const conn = await remoting.connection(cluster.brokerAddr);
    expect(conn.pendingRequests).toBe(0);
  });

  it('answers offset 0 for a new group on a young queue, as RocketMQ does', async () => {
    const response = await query(cluster.client(), 'NewGroup', 'Young', 0);
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(OffsetResponseHeader.decode(response.extFields).offset).toBe(0);
    const empty = await query(cluster.client(), 'NewGroup', 'Off', 6);
    expect(OffsetResponseHeader.decode(empty.extFields).offset).toBe(0);
  });

  it('answers QUERY_NOT_FOUND when the queue head is no longer in memory', async () => {
    const response = await query(cluster.client(), 'NewGroup', 'Off', 0);
    expect(response.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    expect(response.remark).toBe('Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first');
  });

  it('answers QUERY_NOT_FOUND when setZeroIfNotFound is false', async () => {
    const response = await cluster.client().invoke(RequestCode.QUERY_CONSUMER_OFFSET, {
      extFields: QueryConsumerOffsetRequestHeader.encode({
        consumerGroup: 'NewGroup',
        topic: 'Young',
        queueId: 0,
        setZeroIfNotFound: false,
      }),
    });
    expect(response.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    expect(response.remark).toContain('group NewGroup, topic Young, queue 0');
  });

  it('serves min, max, by-timestamp offsets and the earliest store time', async () => {
    const client = cluster.client();
    const offsetOf = async (code: number, extFields: Record<string, string>) => {
      const response = await client.invoke(code, { extFields });
      expect(response.code).toBe(ResponseCode.SUCCESS);
      return OffsetResponseHeader.decode(response.extFields).offset;
    };
    const q = { topic: 'Off', queueId: 0 };
    expect(await offsetOf(RequestCode.GET_MAX_OFFSET, GetMaxOffsetRequestHeader.encode(q))).toBe(6);
    expect(await offsetOf(RequestCode.GET_MIN_OFFSET, TopicQueueRequestHeader.encode(q))).toBe(0);
    expect(
      await offsetOf(
        RequestCode.GET_MAX_OFFSET,
        GetMaxOffsetRequestHeader.encode({ topic: 'Nope', queueId: 0 }),
      ),
    ).toBe(0);
    const search = (timestamp: number) =>
      offsetOf(
        RequestCode.SEARCH_OFFSET_BY_TIMESTAMP,
        SearchOffsetRequestHeader.encode({ ...q, timestamp }),
      );
    expect(await search(times[3]!)).toBe(3);
    expect(await search(0)).toBe(0);
    const earliest = await client.invoke(RequestCode.GET_EARLIEST_MSG_STORETIME, {
      extFields: TopicQueueRequestHeader.encode(q),
    });
    expect(TimestampResponseHeader.decode(earliest.extFields).timestamp).toBe(times[0]);
  });
});
