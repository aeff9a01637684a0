import { join } from 'node:path';
import { startNodeProcess } from '../../../test/support/child-process';
import { createTopic } from './support/broker-test-client';
import { useCluster } from './support/cluster';

interface AliResult {
  failed?: string;
  sent: { status: string; msgId: string }[];
  received: {
    body: string;
    tags: string;
    topic: string;
    reconsumeTimes: number;
    storeHost: string;
  }[];
  errors: string[];
}

// ali-ons, the third-party Node client, unchanged: SEND_MESSAGE_V2, long-polled PULL_MESSAGE with
// a tag filter, offset commits, and CONSUMER_SEND_MSG_BACK to the STOREHOST of pulled records.
describe('ali-ons against the broker', () => {
  const cluster = useCluster({ store: { messageDelayLevel: Array(18).fill('1s').join(' ') } });

  it('produces, consumes with a tag filter, and redelivers a retried message', async () => {
    await createTopic(cluster.client(), 'AliTopic', 2);
    const child = await startNodeProcess(
      join(__dirname, 'fixtures', 'ali-ons-client.js'),
      [cluster.namesrvAddr],
      /RESULT (.*)\n/,
      { timeoutMs: 25_000 },
    );
    await child.stop('SIGKILL');
    const result = JSON.parse(child.ready[1]!) as AliResult;
    expect(result.failed).toBeUndefined();
    expect(result.sent.map((s) => s.status)).toEqual(['SEND_OK', 'SEND_OK', 'SEND_OK']);
    expect(result.sent.every((s) => /^[0-9A-F]{32}$/.test(s.msgId))).toBe(true);
    const seen = result.received.map((m) => `${m.body}#${m.reconsumeTimes}`).sort();
    expect(seen).toEqual(['one#0', 'three#0', 'three#1']);
    expect(result.received.every((m) => m.tags === 'keep' && m.topic === 'AliTopic')).toBe(true);
    expect(result.received[0]!.storeHost).toBe(cluster.brokerAddr);
    // The one error allowed is Apache's too: the consumer asks for its retry topic's route before
    // its first heartbeat has created it.
    expect(
      result.errors.filter((e) => !/No topic route info .*%RETRY%AliConsumer/.test(e)),
    ).toEqual([]);
  }, 30_000);
});
