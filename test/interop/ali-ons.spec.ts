import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RemotingClient } from '@rocketnest/protocol';
import { startNodeProcess, type StartedProcess } from '../support/child-process';
import { tempDir } from '../support/temp-dir';
import { createTopic } from '../support/topics';

// ali-ons (npm) is a third-party Node client of RocketMQ 4.x's remoting protocol. These tests run
// it unchanged, in a child process (ali-ons-driver.js), against the real `rocketnest start`.
const CLI = join(__dirname, '..', '..', 'packages', 'cli', 'dist', 'main.js');
const DRIVER = join(__dirname, 'ali-ons-driver.js');
// Level 2 is the delayed-message test's 2 s; levels 3 and up (consumer retries) are 1 s.
const DELAY_LEVELS = ['1s', '2s', ...Array<string>(16).fill('1s')].join(' ');

interface Event {
  event: string;
  consumer?: string;
  body?: string;
  tags?: string;
  /** ali-ons gives a received message's keys as the KEYS property text: space-separated. */
  keys?: string;
  properties?: Record<string, string>;
  reconsumeTimes?: number;
  sendStatus?: string;
  msgId?: string;
  at?: number;
  message?: string;
}

let server: StartedProcess;
let nameSrv: string;
let brokerAddr: string;

/** Runs a scenario until `done(events)` holds, then kills the driver and returns its events. */
async function run(
  scenario: string,
  done: (events: Event[]) => boolean,
  timeoutMs = 40_000,
): Promise<Event[]> {
  const driver = await startNodeProcess(
    DRIVER,
    [nameSrv, scenario],
    /"event":"ready"|"event":"failed"/,
    { timeoutMs },
  );
  const events = () =>
    driver
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Event);
  const start = Date.now();
  try {
    while (!done(events())) {
      const failed = events().find((e) => e.event === 'failed');
      if (failed) throw new Error(`ali-ons scenario failed: ${failed.message}`);
      if (Date.now() - start > timeoutMs)
        throw new Error(`ali-ons ${scenario} did not finish:\n${driver.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 300)); // anything extra would show up now
    return events();
  } finally {
    await driver.stop('SIGKILL');
  }
}

const received = (events: Event[]) => events.filter((e) => e.event === 'received');

describe('ali-ons against rocketnest start', () => {
  beforeAll(async () => {
    const dir = tempDir();
    const config = join(dir, 'rocketnest.json');
    writeFileSync(config, JSON.stringify({ store: { messageDelayLevel: DELAY_LEVELS } }));
    server = await startNodeProcess(
      CLI,
      [
        'start',
        '--namesrv-port',
        '0',
        '--broker-port',
        '0',
        '--data-dir',
        join(dir, 'data'),
        '--config',
        config,
        '--log-level',
        'warn',
      ],
      /name server listening on (\S+)\nrocketnest: broker \S+ listening on (\S+)[\s\S]*ready/,
    );
    nameSrv = server.ready[1]!;
    brokerAddr = server.ready[2]!;
    // ali-ons does not auto-create topics (it gives up on TOPIC_NOT_EXIST): create them first.
    const admin = new RemotingClient();
    for (const topic of ['InteropTags', 'InteropRetry', 'InteropBroadcast', 'InteropDelay']) {
      await createTopic(admin, brokerAddr, topic);
    }
    await admin.close();
  }, 60_000);

  afterAll(async () => {
    expect(await server.stop('SIGINT')).toBe(0);
    expect(server.output()).toMatch(/rocketnest: stopped/);
  });

  it('sends and consumes in clustering mode with tags, keeping body, keys, tags and properties', async () => {
    const events = await run('tags', (e) => received(e).length >= 8);
    const sent = events.filter((e) => e.event === 'sent');
    expect(sent).toHaveLength(12);
    expect(sent.every((s) => s.sendStatus === 'SEND_OK' && /^[0-9A-F]{32}$/.test(s.msgId!))).toBe(
      true,
    );
    const got = received(events);
    expect(got).toHaveLength(8);
    for (let i = 0; i < 12; i++) {
      const tag = ['TagA', 'TagB', 'TagC'][i % 3]!;
      const m = got.find((r) => r.body === `body-${i}-héllo`);
      if (tag === 'TagC') {
        expect(m).toBeUndefined();
        continue;
      }
      expect(m).toMatchObject({ tags: tag, keys: `order-${i} customer-${i % 2}` });
      expect(m!.properties).toMatchObject({
        region: 'eu',
        seq: String(i),
        TAGS: tag,
        KEYS: `order-${i} customer-${i % 2}`,
      });
    }
  });

  it('redelivers a message whose listener fails, through the retry topic, intact', async () => {
    const events = await run('retry', (e) => received(e).length >= 2);
    const [first, second] = received(events);
    expect(first!.reconsumeTimes).toBe(0);
    expect(second!.reconsumeTimes).toBe(1);
    for (const m of [first!, second!]) {
      expect(m).toMatchObject({ body: 'retry-me', tags: 'TagR', keys: 'retry-key' });
      expect(m.properties!.attempt).toBe('original');
    }
    // Scheduled by the broker (delay level 3 = 1 s here), not retried locally at once.
    expect(second!.at! - first!.at!).toBeGreaterThanOrEqual(900);
  });

  it('delivers every message to each of two broadcasting consumers', async () => {
    const events = await run('broadcast', (e) => received(e).length >= 12);
    for (const consumer of ['A', 'B']) {
      const got = received(events).filter((m) => m.consumer === consumer);
      expect(got.map((m) => m.body).sort()).toEqual(
        Array.from({ length: 6 }, (_, i) => `cast-${i}`),
      );
      expect(got.every((m) => m.tags === 'TagX' && m.keys === `b-${m.properties!.n}`)).toBe(true);
    }
  });

  it('delivers a delayed message after its delay level, without the delay properties', async () => {
    const events = await run('delay', (e) => received(e).length >= 1);
    const sent = events.find((e) => e.event === 'sent')!;
    const m = received(events)[0]!;
    expect(m.at! - sent.at!).toBeGreaterThanOrEqual(1800);
    expect(m).toMatchObject({ body: 'later', tags: 'TagD', keys: 'delay-key' });
    expect(m.properties!.why).toBe('delayed');
    expect(m.properties!.DELAY).toBeUndefined();
    expect(m.properties!.REAL_TOPIC).toBeUndefined();
  });
});
