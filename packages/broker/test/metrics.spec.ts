import { get } from 'node:http';
import {
  DeleteTopicRequestHeader,
  RequestCode,
  ResponseCode,
  UpdateConsumerOffsetRequestHeader,
} from '@rocketnest/protocol';
import { createTopic } from './support/broker-test-client';
import { useCluster } from './support/cluster';

interface Scrape {
  status: number;
  contentType: string | undefined;
  body: string;
}

function scrape(port: number, path = '/metrics'): Promise<Scrape> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body }),
      );
    }).on('error', reject);
  });
}

/** The value of the sample `name{labels}` in a text exposition, or undefined if absent. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter(Boolean).sort().join(',');
    if (have === wanted) return Number(m[3]);
  }
  return undefined;
}

describe('Prometheus metrics (metricsPort)', () => {
  const cluster = useCluster({ metricsPort: 0, metricsHost: '127.0.0.1' });

  it('serves put, get, lag, consumer, store and process metrics that follow the traffic', async () => {
    const port = cluster.broker.metricsPort!;
    expect(port).toBeGreaterThan(0);
    const client = cluster.client();
    await createTopic(client, 'Met', 2);

    const before = await scrape(port);
    expect(before.status).toBe(200);
    expect(before.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(before.body, 'rocketnest_broker_messages_put_total', { topic: 'Met' })).toBe(
      undefined,
    );
    expect(sample(before.body, 'rocketnest_topic_messages', { topic: 'Met' })).toBe(0);

    for (const body of ['a', 'bb', 'ccc']) await client.sendOk('Met', body, { queueId: 0 });
    await client.sendOk('Met', 'dddd', { queueId: 1 });
    await client.heartbeatConsumer('metrics-client@1', 'GMet', { Met: '*' });
    const pulled = await client.pull({ group: 'GMet', topic: 'Met', queueId: 0, offset: 0 });
    expect(pulled.messages).toHaveLength(3);
    const commit = await client.invoke(RequestCode.UPDATE_CONSUMER_OFFSET, {
      extFields: UpdateConsumerOffsetRequestHeader.encode({
        consumerGroup: 'GMet',
        topic: 'Met',
        queueId: 0,
        commitOffset: 1,
      }),
    });
    expect(commit.code).toBe(ResponseCode.SUCCESS);

    const { body: text } = await scrape(port);
    expect(sample(text, 'rocketnest_broker_messages_put_total', { topic: 'Met' })).toBe(4);
    expect(sample(text, 'rocketnest_broker_bytes_put_total', { topic: 'Met' })).toBe(10);
    expect(
      sample(text, 'rocketnest_broker_messages_got_total', { group: 'GMet', topic: 'Met' }),
    ).toBe(3);
    const recordBytes = pulled.messages.reduce((n, m) => n + m.storeSize, 0);
    expect(sample(text, 'rocketnest_broker_bytes_got_total', { group: 'GMet', topic: 'Met' })).toBe(
      recordBytes,
    );
    // Only queue 0 has a committed offset: 3 stored, 1 committed.
    expect(sample(text, 'rocketnest_consumer_lag_messages', { group: 'GMet', topic: 'Met' })).toBe(
      2,
    );
    expect(sample(text, 'rocketnest_consumer_clients', { group: 'GMet' })).toBe(1);
    expect(sample(text, 'rocketnest_topic_messages', { topic: 'Met' })).toBe(4);
    expect(sample(text, 'rocketnest_broker_put_duration_seconds_count')).toBeGreaterThanOrEqual(4);
    expect(
      sample(text, 'rocketnest_broker_put_duration_seconds_bucket', { le: '+Inf' }),
    ).toBeGreaterThanOrEqual(4);
    expect(sample(text, 'rocketnest_store_disk_usage_ratio')).toBe(0.1); // the test cluster's disk
    expect(sample(text, 'rocketnest_store_rejecting_writes')).toBe(0);
    expect(sample(text, 'rocketnest_store_commitlog_bytes')).toBe(
      cluster.broker.store.maxPhysicalOffset - cluster.broker.store.minPhysicalOffset,
    );
    expect(sample(text, 'rocketnest_broker_connections')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);

    // Counters only grow: two more sends are added to what was there.
    await client.sendOk('Met', 'e', { queueId: 1 });
    await client.sendOk('Met', 'f', { queueId: 1 });
    const after = (await scrape(port)).body;
    expect(sample(after, 'rocketnest_broker_messages_put_total', { topic: 'Met' })).toBe(6);

    // A deleted topic's series go with it.
    const deleted = await client.invoke(RequestCode.DELETE_TOPIC_IN_BROKER, {
      extFields: DeleteTopicRequestHeader.encode({ topic: 'Met' }),
    });
    expect(deleted.code).toBe(ResponseCode.SUCCESS);
    const gone = (await scrape(port)).body;
    for (const name of ['rocketnest_broker_messages_put_total', 'rocketnest_topic_messages'])
      expect(sample(gone, name, { topic: 'Met' })).toBeUndefined();
    expect(
      sample(gone, 'rocketnest_broker_messages_got_total', { group: 'GMet', topic: 'Met' }),
    ).toBeUndefined();
  });

  it('answers unknown paths with 404', async () => {
    const res = await scrape(cluster.broker.metricsPort!, '/nowhere');
    expect(res.status).toBe(404);
    expect(res.body).toMatch(/GET \/metrics/);
  });
});
