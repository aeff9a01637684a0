import { RequestCode, ResponseCode, UpdateConsumerOffsetRequestHeader } from '@rocketnest/protocol';
import { connect } from 'node:net';
import { createTopic } from './support/broker-test-client';
import { useCluster } from './support/cluster';

/** Sends `request` as is and resolves with what the server answered before closing. */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('read-only web console (next to /metrics)', () => {
  const cluster = useCluster({ metricsPort: 0, metricsHost: '127.0.0.1' });
  const base = () => `http://127.0.0.1:${cluster.broker.metricsPort!}`;
  const html = async (path: string) => {
    const res = await fetch(base() + path);
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  let offsetMsgId = '';

  beforeAll(async () => {
    const client = cluster.client();
    await createTopic(client, 'Shop|1', 2);
    for (let i = 0; i < 3; i++) {
      const sent = await client.sendOk(
        'Shop|1',
        i === 2 ? '<script>alert(1)</script>' : `order ${i}`,
        {
          queueId: 0,
          properties: { KEYS: `order-${i}`, TAGS: 'created' },
        },
      );
      offsetMsgId = sent.msgId;
    }
    const commit = await client.invoke(RequestCode.UPDATE_CONSUMER_OFFSET, {
      extFields: UpdateConsumerOffsetRequestHeader.encode({
        consumerGroup: 'bill<ing>',
        topic: 'Shop|1',
        queueId: 0,
        commitOffset: 1,
      }),
    });
    expect(commit.code).toBe(ResponseCode.SUCCESS);
  });

  it('lists topics with their messages and groups with their lag, escaping every name', async () => {
    const page = await html('/');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('<a href="/topic?name=Shop%7C1">Shop|1</a>');
    expect(page.text).toMatch(/Shop\|1<\/a><\/td><td>2 \/ 2<\/td><td>3<\/td>/);
    // The group committed 1 of queue 0's 3 messages; its name is escaped.
    expect(page.text).toMatch(
      /<td>bill&#60;ing&#62;<\/td><td>0<\/td><td><a [^>]+>Shop\|1<\/a>: 2<\/td>/,
    );
    expect(page.text).not.toContain('bill<ing>');
  });

  it('shows a topic: queues with offsets and lag per group, and its latest messages', async () => {
    const page = await html('/topic?name=' + encodeURIComponent('Shop|1'));
    expect(page.status).toBe(200);
    expect(page.text).toContain('<th>lag of bill&#60;ing&#62;</th>');
    expect(page.text).toContain('<tr><td>0</td><td>0</td><td>3</td><td>2</td></tr>');
    expect(page.text).toContain('<tr><td>1</td><td>0</td><td>0</td><td>-</td></tr>');
    expect(page.text).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(page.text).not.toContain('<script>');
    expect(page.text).toContain('order-1');
  });

  it('finds messages by key and by offset message id', async () => {
    const byKey = await html(`/messages?topic=${encodeURIComponent('Shop|1')}&key=order-1`);
    expect(byKey.status).toBe(200);
    expect(byKey.text).toContain('<code>order 1</code>');
    expect(byKey.text).not.toContain('order 0');
    const byId = await html(`/messages?id=${offsetMsgId}`);
    expect(byId.text).toContain(`<code>${offsetMsgId}</code>`);
    expect(byId.text).toContain('0:2');
  });

  it('answers bad lookups and unknown pages with the reason', async () => {
    const missing = await html('/topic?name=Nope');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('topic Nope does not exist');
    const badId = await html('/messages?id=xyz');
    expect(badId.status).toBe(400);
    expect(badId.text).toContain('is not an offset message id');
    const none = await html(`/messages?topic=${encodeURIComponent('Shop|1')}&key=nope`);
    expect(none.text).toContain('No message with key nope');
    expect((await html('/nowhere')).status).toBe(404);
    const post = await fetch(base() + '/', { method: 'POST' });
    expect(post.status).toBe(405);
    // A request target the URL parser refuses: answered, and the server keeps serving.
    const raw = await rawRequest(
      cluster.broker.metricsPort!,
      'GET http://[::1 HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect((await html('/')).status).toBe(200);
  });
});
