import { connect } from 'node:net';
import { once } from 'node:events';
import { RequestCode, ResponseCode } from '@rocketnest/protocol';
import { createTopic } from './support/broker-test-client';
import { useCluster } from './support/cluster';

describe('bad input', () => {
  const cluster = useCluster();

  it('closes only the connection that sent a malformed frame', async () => {
    const good = cluster.client();
    await createTopic(good, 'BadT', 1);
    const [host, port] = cluster.brokerAddr.split(':');
    const socket = connect({ host, port: Number(port) });
    await once(socket, 'connect');
    const frame = Buffer.alloc(8);
    frame.writeInt32BE(-5, 0); // a negative frame length
    socket.write(frame);
    await once(socket, 'close');
    expect((await good.sendOk('BadT', 'still fine')).queueOffset).toBe(0);
  });

  it('answers unknown request codes with REQUEST_CODE_NOT_SUPPORTED', async () => {
    const response = await cluster.client().invoke(9999);
    expect(response.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    expect(response.remark).toBe(' request type 9999 not supported');
  });

  it('answers a heartbeat whose body is not HeartbeatData with SYSTEM_ERROR', async () => {
    const client = cluster.client();
    const notJson = await client.invoke(RequestCode.HEART_BEAT, { body: Buffer.from('{nope') });
    expect(notJson.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(notJson.remark).toContain('HeartbeatData: body is not JSON');
    const noClient = await client.invoke(RequestCode.HEART_BEAT, {
      body: Buffer.from('{"consumerDataSet":[]}'),
    });
    expect(noClient.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(noClient.remark).toBe('HeartbeatData: clientID is missing');
    const empty = await client.invoke(RequestCode.HEART_BEAT);
    expect(empty.code).toBe(ResponseCode.SYSTEM_ERROR);
  });

  it('answers header fields that do not parse with SYSTEM_ERROR naming the field', async () => {
    const response = await cluster.client().invoke(RequestCode.PULL_MESSAGE, {
      extFields: {
        consumerGroup: 'G',
        topic: 'BadT',
        queueId: 'zero',
        queueOffset: '0',
        maxMsgNums: '1',
        sysFlag: '0',
        commitOffset: '0',
        suspendTimeoutMillis: '0',
        subVersion: '0',
      },
    });
    expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(response.remark).toBe('the custom field <queueId> is not a valid int: "zero"');
  });

  it('answers a corrupt batch body with MESSAGE_ILLEGAL', async () => {
    const response = await cluster.client().send('BadT', Buffer.from([0, 0, 0, 99, 1, 2, 3]), {
      code: RequestCode.SEND_BATCH_MESSAGE,
    });
    expect(response.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(cluster.broker.store.getMaxOffsetInQueue('BadT', 0)).toBe(1);
  });
});
