import {
  QueryMessageRequestHeader,
  QueryMessageResponseHeader,
  RequestCode,
  ResponseCode,
  UNIQUE_MSG_QUERY_FLAG,
  ViewMessageRequestHeader,
  decodeMessageRecords,
  encodeMessageRecord,
  messageRecord,
  parseOffsetMessageId,
} from '@rocketnest/protocol';
import { createTopic, type BrokerTestClient } from './support/broker-test-client';
import { useCluster } from './support/cluster';

describe('queries', () => {
  const cluster = useCluster();
  const ids: string[] = [];
  let startedAt = 0;

  beforeAll(async () => {
    const client = cluster.client();
    await createTopic(client, 'QT', 2);
    startedAt = Date.now();
    for (let i = 0; i < 4; i++) {
      const header = await client.sendOk('QT', `q${i}`, {
        queueId: i % 2,
        properties: { KEYS: i < 3 ? `order-${i} shared` : 'other', UNIQ_KEY: `UNIQ-${i}` },
      });
      ids.push(header.msgId);
    }
  });

  it('views a message by its offset msgId (VIEW_MESSAGE_BY_ID)', async () => {
    const client = cluster.client();
    const { commitLogOffset } = parseOffsetMessageId(ids[2]!);
    const response = await client.invoke(RequestCode.VIEW_MESSAGE_BY_ID, {
      extFields: ViewMessageRequestHeader.encode({ offset: commitLogOffset }),
    });
    expect(response.code).toBe(ResponseCode.SUCCESS);
    const [msg] = decodeMessageRecords(response.body!);
    expect([msg!.body.toString(), msg!.msgId, msg!.topic]).toEqual(['q2', ids[2], 'QT']);
  });

  it('answers SYSTEM_ERROR for an offset with no message', async () => {
    const client = cluster.client();
    for (const offset of [cluster.broker.store.maxPhysicalOffset + 100, -1, 3]) {
      const response = await client.invoke(RequestCode.VIEW_MESSAGE_BY_ID, {
        extFields: ViewMessageRequestHeader.encode({ offset }),
      });
      expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(response.remark).toBe(`can not find message by the offset, ${offset}`);
    }
  });

  it('does not mistake a record-shaped body for a record', async () => {
    const client = cluster.client();
    const fake = encodeMessageRecord(
      messageRecord({
        topic: 'QT',
        body: Buffer.from('fake'),
        bornHost: { address: '127.0.0.1', port: 1 },
        storeHost: { address: '127.0.0.1', port: 1 },
      }),
    );
    const header = await client.sendOk('QT', fake);
    const bodyOffset = parseOffsetMessageId(header.msgId).commitLogOffset + 88; // IPv4 hosts
    const response = await client.invoke(RequestCode.VIEW_MESSAGE_BY_ID, {
      extFields: ViewMessageRequestHeader.encode({ offset: bodyOffset }),
    });
    expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
  });

  const query = (
    client: BrokerTestClient,
    key: string,
    extra: Record<string, string> = {},
    maxNum = 32,
  ) =>
    client.invoke(RequestCode.QUERY_MESSAGE, {
      extFields: {
        ...QueryMessageRequestHeader.encode({
          topic: 'QT',
          key,
          maxNum,
          beginTimestamp: startedAt - 1000,
          endTimestamp: Date.now() + 1000,
        }),
        ...extra,
      },
    });

  it('finds messages by key through the index (QUERY_MESSAGE)', async () => {
    const client = cluster.client();
    const response = await query(client, 'shared');
    expect(response.code).toBe(ResponseCode.SUCCESS);
    const bodies = decodeMessageRecords(response.body!)
      .map((m) => m.body.toString())
      .sort();
    expect(bodies).toEqual(['q0', 'q1', 'q2']);
    const header = QueryMessageResponseHeader.decode(response.extFields);
    expect(header.indexLastUpdateTimestamp).toBeGreaterThanOrEqual(startedAt);
    expect(header.indexLastUpdatePhyoffset).toBeGreaterThan(0);
    const one = await query(client, 'order-1');
    expect(decodeMessageRecords(one.body!).map((m) => m.body.toString())).toEqual(['q1']);
  });

  it('finds a message by UNIQ_KEY with _UNIQUE_KEY_QUERY, whatever maxNum says', async () => {
    const response = await query(
      cluster.client(),
      'UNIQ-3',
      { [UNIQUE_MSG_QUERY_FLAG]: 'true' },
      0,
    );
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(decodeMessageRecords(response.body!).map((m) => m.properties.UNIQ_KEY)).toEqual([
      'UNIQ-3',
    ]);
  });

  it('answers QUERY_NOT_FOUND with the index header when nothing matches', async () => {
    const response = await query(cluster.client(), 'missing');
    expect(response.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    expect(response.remark).toContain('maybe time range not correct');
    expect(response.extFields?.indexLastUpdatePhyoffset).toBeDefined();
    expect(response.body).toBeUndefined();
  });
});
