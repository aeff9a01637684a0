import {
  MessageProperty,
  RequestCode,
  ResponseCode,
  SendMessageResponseHeader,
  createRequest,
  CreateTopicRequestHeader,
  decodeMessageRecord,
  parseOffsetMessageId,
} from '@rocketnest/protocol';
import { useCluster } from './support/cluster';

const MAX_MESSAGE_SIZE = 64 * 1024;

describe('sending', () => {
  const cluster = useCluster({ maxMessageSize: MAX_MESSAGE_SIZE });

  beforeAll(async () => {
    const admin = cluster.client();
    for (const topic of ['Orders', 'Batch', 'ReadOnly']) {
      const response = await admin.invoke(RequestCode.UPDATE_AND_CREATE_TOPIC, {
        extFields: CreateTopicRequestHeader.encode({
          topic,
          defaultTopic: 'TBW102',
          readQueueNums: 4,
          writeQueueNums: 4,
          perm: topic === 'ReadOnly' ? 4 : 6,
          topicFilterType: 'SINGLE_TAG',
          order: false,
        }),
      });
      expect(response.code).toBe(ResponseCode.SUCCESS);
    }
  });

  it('stores a SEND_MESSAGE_V2 message and answers msgId, queueId, queueOffset, region, trace', async () => {
    const client = cluster.client();
    const first = await client.send('Orders', 'one', {
      queueId: 2,
      properties: { TAGS: 'paid', KEYS: 'order-1', UNIQ_KEY: 'C0A80001000018B4AAC2000000000001' },
    });
    const second = await client.send('Orders', 'two', { queueId: 2 });
    expect(first.code).toBe(ResponseCode.SUCCESS);
    expect(first.extFields).toMatchObject({ MSG_REGION: 'DefaultRegion', TRACE_ON: 'true' });
    const h1 = SendMessageResponseHeader.decode(first.extFields);
    const h2 = SendMessageResponseHeader.decode(second.extFields);
    expect(h1.queueId).toBe(2);
    expect([h1.queueOffset, h2.queueOffset]).toEqual([0, 1]);
    // The offset msgId names this broker (advertised address + port) and the record's offset.
    const id = parseOffsetMessageId(h1.msgId);
    expect(`${id.storeHost.address}:${id.storeHost.port}`).toBe(cluster.brokerAddr);
    const stored = decodeMessageRecord(
      (await cluster.broker.store.readRecord(id.commitLogOffset))!,
    );
    expect(stored).toMatchObject({ topic: 'Orders', queueId: 2, queueOffset: 0 });
    expect(stored.body.toString()).toBe('one');
    expect(stored.properties).toMatchObject({
      TAGS: 'paid',
      KEYS: 'order-1',
      UNIQ_KEY: 'C0A80001000018B4AAC2000000000001',
      CLUSTER: 'DefaultCluster',
    });
    expect(stored.storeHost).toEqual({ address: '127.0.0.1', port: cluster.broker.port });
    expect(stored.bornHost.address).toBe('127.0.0.1');
  });

  it('accepts SEND_MESSAGE (10) with long header names', async () => {
    const client = cluster.client();
    const response = await client.send('Orders', 'v1', {
      code: RequestCode.SEND_MESSAGE,
      queueId: 3,
    });
    expect(response.code).toBe(ResponseCode.SUCCESS);
    const header = SendMessageResponseHeader.decode(response.extFields);
    expect(header.queueId).toBe(3);
    const stored = await cluster.broker.store.lookMessageByOffset(
      parseOffsetMessageId(header.msgId).commitLogOffset,
    );
    expect(stored?.body.toString()).toBe('v1');
  });

  it('stores a batch with consecutive offsets and answers comma-joined msgIds', async () => {
    const client = cluster.client();
    const response = await client.sendBatch(
      'Batch',
      [
        { flag: 1, body: Buffer.from('b0'), properties: { UNIQ_KEY: 'U0', TAGS: 'x' } },
        { flag: 2, body: Buffer.from('b1'), properties: { UNIQ_KEY: 'U1' } },
        { flag: 3, body: Buffer.from('b2'), properties: { UNIQ_KEY: 'U2' } },
      ],
      { queueId: 1 },
    );
    expect(response.code).toBe(ResponseCode.SUCCESS);
    const header = SendMessageResponseHeader.decode(response.extFields);
    expect(header.queueOffset).toBe(0);
    const ids = header.msgId.split(',');
    expect(ids).toHaveLength(3);
    const stored = await Promise.all(
      ids.map((id) =>
        cluster.broker.store.lookMessageByOffset(parseOffsetMessageId(id).commitLogOffset),
      ),
    );
    expect(stored.map((m) => [m?.body.toString(), m?.flag, m?.queueId, m?.queueOffset])).toEqual([
      ['b0', 1, 1, 0],
      ['b1', 2, 1, 1],
      ['b2', 3, 1, 2],
    ]);
    expect(stored.map((m) => m?.properties.UNIQ_KEY)).toEqual(['U0', 'U1', 'U2']);
    expect(stored[0]?.properties).toMatchObject({ TAGS: 'x', WAIT: 'true' });
  });

  it.each([
    [
      'an illegal character',
      'bad topic!',
      ResponseCode.SYSTEM_ERROR,
      'contains illegal characters',
    ],
    [
      'a name over 127 chars',
      'T'.repeat(128),
      ResponseCode.SYSTEM_ERROR,
      'longer than topic max length: 127',
    ],
    [
      'the TBW102 template',
      'TBW102',
      ResponseCode.NO_PERMISSION,
      'Sending message to topic[TBW102] is forbidden.',
    ],
    ['SCHEDULE_TOPIC_XXXX', 'SCHEDULE_TOPIC_XXXX', ResponseCode.NO_PERMISSION, 'is forbidden'],
  ])('refuses %s', async (_what, topic, code, remark) => {
    const response = await cluster.client().send(topic, 'x');
    expect(response.code).toBe(code);
    expect(response.remark).toContain(remark);
  });

  it('refuses an unknown topic with TOPIC_NOT_EXIST when auto-create is off', async () => {
    const response = await cluster.client().send('NoSuchTopic', 'x');
    expect(response.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(response.remark).toBe('topic[NoSuchTopic] not exist, apply first please!');
    expect(cluster.broker.store.topics.get('NoSuchTopic')).toBeUndefined();
  });

  it('refuses a queue id beyond the topic queues with SYSTEM_ERROR naming queue and topic', async () => {
    const response = await cluster.client().send('Orders', 'x', { queueId: 4 });
    expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(response.remark).toMatch(
      /^request queueId\[4\] is illegal, topic: Orders, writeQueueNums: 4/,
    );
  });

  it('refuses a body above maxMessageSize and oversized properties with MESSAGE_ILLEGAL', async () => {
    const client = cluster.client();
    const big = await client.send('Orders', Buffer.alloc(MAX_MESSAGE_SIZE + 1));
    expect(big.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(big.remark).toContain(`msg body length limit ${MAX_MESSAGE_SIZE}B`);
    const exact = await client.send('Orders', Buffer.alloc(MAX_MESSAGE_SIZE));
    expect(exact.code).toBe(ResponseCode.SUCCESS);
    const props = await client.send('Orders', 'x', { properties: { big: 'p'.repeat(33000) } });
    expect(props.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
  });

  it('refuses writes to a topic without write permission', async () => {
    const response = await cluster.client().send('ReadOnly', 'x');
    expect(response.code).toBe(ResponseCode.NO_PERMISSION);
    expect(response.remark).toBe('the topic[ReadOnly] sending message is forbidden');
  });

  it('refuses transactional half messages (no transaction service) with NO_PERMISSION', async () => {
    const response = await cluster.client().send('Orders', 'tx', {
      properties: { [MessageProperty.TRANSACTION_PREPARED]: 'true' },
      sysFlag: 0x4,
    });
    expect(response.code).toBe(ResponseCode.NO_PERMISSION);
    expect(response.remark).toContain('sending transaction message is forbidden');
  });

  it('refuses delayed and retry-topic batches with MESSAGE_ILLEGAL, storing nothing', async () => {
    const client = cluster.client();
    const before = cluster.broker.store.getMaxOffsetInQueue('Batch', 0);
    const delayed = await client.sendBatch('Batch', [
      { flag: 0, body: Buffer.from('a'), properties: {} },
      { flag: 0, body: Buffer.from('b'), properties: { DELAY: '2' } },
    ]);
    expect(delayed.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(cluster.broker.store.getMaxOffsetInQueue('Batch', 0)).toBe(before);
    const retry = await client.sendBatch('%RETRY%G', [
      { flag: 0, body: Buffer.from('a'), properties: {} },
    ]);
    expect(retry.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
  });

  it('creates %RETRY% topics on send and moves a message past its reconsume limit to the DLQ', async () => {
    const client = cluster.client();
    const retry = await client.sendOk('%RETRY%SendGroup', 'again', {
      reconsumeTimes: 1,
      maxReconsumeTimes: 3,
    });
    expect(cluster.broker.store.topics.get('%RETRY%SendGroup')).toMatchObject({
      readQueueNums: 1,
      perm: 6,
    });
    expect(parseOffsetMessageId(retry.msgId)).toBeDefined();
    const dead = await client.sendOk('%RETRY%SendGroup', 'dead', {
      reconsumeTimes: 3,
      maxReconsumeTimes: 3,
      properties: { DELAY: '3' },
    });
    const stored = await cluster.broker.store.lookMessageByOffset(
      parseOffsetMessageId(dead.msgId).commitLogOffset,
    );
    expect(stored).toMatchObject({ topic: '%DLQ%SendGroup', queueId: 0, reconsumeTimes: 3 });
    expect(stored?.properties.DELAY).toBeUndefined();
    expect(cluster.broker.store.topics.get('%DLQ%SendGroup')).toMatchObject({
      writeQueueNums: 1,
      perm: 6,
    });
  });

  it('answers FLUSH_DISK_TIMEOUT (10) with the full header when the store could not flush in time', async () => {
    const store = cluster.broker.store;
    const put = store.putMessage.bind(store);
    const spy = jest.spyOn(store, 'putMessage').mockImplementation(async (input) => ({
      ...(await put(input)),
      status: 'FLUSH_DISK_TIMEOUT',
    }));
    try {
      const response = await cluster.client().send('Orders', 'slow disk', { queueId: 0 });
      expect(response.code).toBe(ResponseCode.FLUSH_DISK_TIMEOUT);
      const header = SendMessageResponseHeader.decode(response.extFields);
      expect(header.queueId).toBe(0);
      expect(parseOffsetMessageId(header.msgId).commitLogOffset).toBeGreaterThan(0);
    } finally {
      spy.mockRestore();
    }
  });

  it('answers a request missing a required header field with SYSTEM_ERROR and RocketMQ remark', async () => {
    const remoting = cluster.remoting();
    const response = await remoting.invoke(
      cluster.brokerAddr,
      createRequest(RequestCode.SEND_MESSAGE_V2, {
        extFields: { a: 'PG' },
        body: Buffer.from('x'),
      }),
    );
    expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(response.remark).toBe('the custom field <topic> is null');
  });
});
