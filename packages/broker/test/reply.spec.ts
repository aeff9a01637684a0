import {
  MessageProperty,
  ReplyMessageRequestHeader,
  RequestCode,
  ResponseCode,
  SendMessageResponseHeader,
  createResponse,
  decodeProperties,
  type RemotingCommand,
} from '@rocketnest/protocol';
import { eventually, useCluster } from './support/cluster';

describe('request-reply', () => {
  const cluster = useCluster();
  const replyTopic = 'DefaultCluster_REPLY_TOPIC';

  it('pushes a reply to the requesting client connection (PUSH_REPLY_MESSAGE_TO_CLIENT)', async () => {
    const requester = cluster.client();
    const pushed: RemotingCommand[] = [];
    requester.onRequest(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, (req) => {
      pushed.push(req);
      return createResponse(req, ResponseCode.SUCCESS);
    });
    await requester.heartbeat({
      clientID: '10.0.0.9@requester',
      producerDataSet: [{ groupName: 'ReqG' }],
      consumerDataSet: [],
    });
    const bystander = cluster.client();
    const bystanderGot: RemotingCommand[] = [];
    bystander.onRequest(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, (req) => {
      bystanderGot.push(req);
      return createResponse(req, ResponseCode.SUCCESS);
    });
    await bystander.heartbeat({
      clientID: '10.0.0.9@other',
      producerDataSet: [{ groupName: 'ReqG' }],
      consumerDataSet: [],
    });

    const replier = cluster.client();
    for (const code of [RequestCode.SEND_REPLY_MESSAGE, RequestCode.SEND_REPLY_MESSAGE_V2]) {
      const response = await replier.send(replyTopic, `answer-${code}`, {
        code,
        properties: {
          [MessageProperty.MESSAGE_REPLY_TO_CLIENT]: '10.0.0.9@requester',
          [MessageProperty.CORRELATION_ID]: `corr-${code}`,
          [MessageProperty.MESSAGE_TYPE]: 'reply',
        },
      });
      expect(response.code).toBe(ResponseCode.SUCCESS);
      expect(SendMessageResponseHeader.decode(response.extFields)).toMatchObject({
        msgId: '0',
        queueOffset: 0,
      });
    }
    await eventually('two replies pushed', () => pushed.length === 2);
    expect(bystanderGot).toEqual([]);
    const header = ReplyMessageRequestHeader.decode(pushed[0]!.extFields);
    expect(header.topic).toBe(replyTopic);
    expect(header.storeHost).toBe(cluster.brokerAddr);
    expect(header.bornHost).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(header.storeTimestamp).toBeGreaterThan(0);
    const props = decodeProperties(header.properties);
    expect(props).toMatchObject({
      CORRELATION_ID: `corr-${RequestCode.SEND_REPLY_MESSAGE}`,
      REPLY_TO_CLIENT: '10.0.0.9@requester',
    });
    expect(props.PUSH_REPLY_TIME).toBeDefined();
    expect(pushed.map((p) => p.body?.toString())).toEqual([
      `answer-${RequestCode.SEND_REPLY_MESSAGE}`,
      `answer-${RequestCode.SEND_REPLY_MESSAGE_V2}`,
    ]);
    // Not stored by default (storeReplyMessage: false).
    expect(cluster.broker.store.getMaxOffsetInQueue(replyTopic, 0)).toBe(0);
  });

  it('answers SYSTEM_ERROR when the requester is not connected or not named', async () => {
    const replier = cluster.client();
    const gone = await replier.send(replyTopic, 'x', {
      properties: { [MessageProperty.MESSAGE_REPLY_TO_CLIENT]: 'nobody@here' },
      code: RequestCode.SEND_REPLY_MESSAGE_V2,
    });
    expect(gone.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(gone.remark).toBe('push reply message fail, channel of <nobody@here> not found.');
    const unnamed = await replier.send(replyTopic, 'x', {
      code: RequestCode.SEND_REPLY_MESSAGE_V2,
    });
    expect(unnamed.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(unnamed.remark).toBe('reply message properties[REPLY_TO_CLIENT] is null');
  });

  it('answers SYSTEM_ERROR when the requester refuses the push', async () => {
    const requester = cluster.client();
    requester.onRequest(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, (req) =>
      createResponse(req, ResponseCode.SYSTEM_BUSY, { remark: 'busy' }),
    );
    await requester.heartbeat({
      clientID: 'busy@client',
      producerDataSet: [{ groupName: 'ReqG' }],
      consumerDataSet: [],
    });
    const response = await cluster.client().send(replyTopic, 'x', {
      code: RequestCode.SEND_REPLY_MESSAGE_V2,
      properties: { [MessageProperty.MESSAGE_REPLY_TO_CLIENT]: 'busy@client' },
    });
    expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(response.remark).toBe('push reply message to busy@client fail: 2 busy');
  });
});
