import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StartedProcess } from '../../../test/support/child-process';
import { startNodeProcess } from '../../../test/support/child-process';
import { tempDir } from '../../../test/support/temp-dir';
import { BIN, jsonLines, rocketnest, startServer } from './cli-harness';

interface JsonMessage {
  topic: string;
  msgId: string;
  offsetMsgId: string;
  queueId: number;
  queueOffset: number;
  tags?: string;
  keys: string[];
  properties: Record<string, string>;
  body: string;
}

interface JsonSend {
  status: string;
  msgId: string;
  offsetMsgId: string;
  queueId: number;
  queueOffset: number;
}

describe('rocketnest send, consume, lag, msg, offset and bench (the real binary)', () => {
  let namesrv: string;
  let server: StartedProcess;

  beforeAll(async () => {
    ({ namesrv, server } = await startServer());
  });
  afterAll(() => server.stop('SIGTERM'));

  const rn = (args: string[], input?: string) =>
    rocketnest(args, { input, env: { ROCKETNEST_NAMESRV: namesrv } });

  async function createTopic(topic: string, queues = 2): Promise<void> {
    expect((await rn(['topic', 'create', topic, '--queues', String(queues)])).status).toBe(0);
  }

  async function send(args: string[], input?: string): Promise<JsonSend> {
    const result = await rn(['send', ...args, '--json'], input);
    expect(result).toMatchObject({ status: 0, stderr: '' });
    return JSON.parse(result.stdout) as JsonSend;
  }

  async function consume(args: string[]): Promise<JsonMessage[]> {
    const result = await rn(['consume', ...args, '--json']);
    expect(result.status).toBe(0);
    return jsonLines<JsonMessage>(result.stdout);
  }

  async function totalLag(group: string, topic: string): Promise<number> {
    const result = await rn(['lag', group, '--topic', topic, '--json']);
    expect(result.status).toBe(0);
    return (JSON.parse(result.stdout) as { total: number }).total;
  }

  it('sends bodies from the argument, a file and stdin, and consumes them back as JSON', async () => {
    await createTopic('Bodies');
    const file = join(tempDir(), 'body.json');
    writeFileSync(file, '{"from":"file"}');
    const sent = [
      await send(['Bodies', 'from argument', '--keys', 'k1,k2', '--tags', 'TagA', '-p', 'a=1']),
      await send(['Bodies', '--file', file, '--tags', 'TagB', '--sharding-key', 'order-7']),
      await send(['Bodies', '--property', 'b=2', '--property', 'c=x=y'], 'from stdin\n'),
    ];
    expect(sent.every((s) => s.status === 'SEND_OK')).toBe(true);

    const got = await consume(['Bodies', '--from', 'beginning', '--count', '3']);
    const byId = new Map(got.map((m) => [m.msgId, m]));
    expect(byId.get(sent[0]!.msgId)).toMatchObject({
      body: 'from argument',
      keys: ['k1', 'k2'],
      tags: 'TagA',
      properties: { a: '1' },
      offsetMsgId: sent[0]!.offsetMsgId,
      queueOffset: sent[0]!.queueOffset,
    });
    expect(byId.get(sent[1]!.msgId)).toMatchObject({ body: '{"from":"file"}', tags: 'TagB' });
    expect(byId.get(sent[2]!.msgId)).toMatchObject({
      body: 'from stdin\n',
      properties: { b: '2', c: 'x=y' },
    });

    const tagged = await consume([
      'Bodies',
      '--from',
      'beginning',
      '--tags',
      'TagB || TagC',
      '--idle-timeout',
      '1000',
    ]);
    expect(tagged.map((m) => m.body)).toEqual(['{"from":"file"}']);
  });

  it('consumes as a group, committing offsets: lag is 0 afterwards and N after N more sends', async () => {
    await createTopic('Lagging');
    for (let i = 0; i < 4; i++) await send(['Lagging', `m${i}`]);
    expect(await totalLag('Readers', 'Lagging')).toBe(4);

    const first = await consume([
      'Lagging',
      '--group',
      'Readers',
      '--from',
      'beginning',
      '--count',
      '4',
    ]);
    expect(first.map((m) => m.body).sort()).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(await totalLag('Readers', 'Lagging')).toBe(0);

    for (let i = 4; i < 7; i++) await send(['Lagging', `m${i}`]);
    expect(await totalLag('Readers', 'Lagging')).toBe(3);
    const table = await rn(['lag', 'Readers']);
    expect(table.stdout).toMatch(/TOPIC\s+BROKER\s+QUEUE\s+BROKER OFFSET\s+CONSUMER OFFSET\s+LAG/);
    expect(table.stdout).toMatch(/total lag: 3\n$/);

    // The group resumes where it committed: only the three new messages.
    const next = await consume(['Lagging', '--group', 'Readers', '--count', '3']);
    expect(next.map((m) => m.body).sort()).toEqual(['m4', 'm5', 'm6']);
    expect(await totalLag('Readers', 'Lagging')).toBe(0);
  });

  it('reads from an offset or a time without committing', async () => {
    await createTopic('Positions', 1);
    await send(['Positions', 'old']);
    await new Promise((r) => setTimeout(r, 50));
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 50));
    await send(['Positions', 'new']);

    const fromTime = await consume(['Positions', '--from', since, '--idle-timeout', '1000']);
    expect(fromTime.map((m) => m.body)).toEqual(['new']);
    const fromOffset = await consume(['Positions', '--from-offset', '1', '--idle-timeout', '1000']);
    expect(fromOffset.map((m) => m.body)).toEqual(['new']);
    expect((await consume(['Positions', '--from', 'beginning', '--count', '2'])).length).toBe(2);
  });

  it('shows a message by msgId, by offsetMsgId and by key', async () => {
    await createTopic('Lookup');
    const sent = await send(['Lookup', 'find me', '--keys', 'order-42', '--tags', 'paid']);
    await send(['Lookup', 'me too', '--keys', 'order-42']);

    const byId = await rn(['msg', sent.msgId, '--topic', 'Lookup', '--json']);
    expect(byId.status).toBe(0);
    expect(JSON.parse(byId.stdout)).toMatchObject({
      msgId: sent.msgId,
      body: 'find me',
      tags: 'paid',
    });

    const byOffsetId = await rn(['msg', sent.offsetMsgId]);
    expect(byOffsetId.status).toBe(0);
    expect(byOffsetId.stdout).toMatch(/^topic\s+Lookup$/m);
    expect(byOffsetId.stdout).toMatch(/^body\s+find me$/m);

    const byKey = await rn(['msg', '--key', 'order-42', '--topic', 'Lookup', '--json']);
    expect(byKey.status).toBe(0);
    expect((JSON.parse(byKey.stdout) as JsonMessage[]).map((m) => m.body)).toEqual([
      'find me',
      'me too',
    ]);

    const missing = await rn(['msg', '--key', 'order-0', '--topic', 'Lookup']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no message with key order-0 in topic Lookup/);
  });

  it('resets a group to a time, after which it consumes the old messages again', async () => {
    await createTopic('Replay');
    for (const body of ['a', 'b', 'c']) await send(['Replay', body]);
    await consume(['Replay', '--group', 'Replayers', '--from', 'beginning', '--count', '3']);
    expect(await totalLag('Replayers', 'Replay')).toBe(0);

    const reset = await rn(['offset', 'reset', 'Replayers', 'Replay', '--timestamp', '0']);
    expect(reset.status).toBe(0);
    expect(reset.stdout).toMatch(/group Replayers on Replay reset to 1970-01-01T00:00:00.000Z/);
    expect(await totalLag('Replayers', 'Replay')).toBe(3);
    const again = await consume(['Replay', '--group', 'Replayers', '--count', '3']);
    expect(again.map((m) => m.body).sort()).toEqual(['a', 'b', 'c']);
  });

  it('tails a topic until Ctrl-C, then exits 0', async () => {
    await createTopic('Tail', 1);
    await send(['Tail', 'first']);
    const tail = await startNodeProcess(
      BIN,
      ['consume', 'Tail', '--from', 'beginning', '-n', namesrv],
      /first\n/,
    );
    await send(['Tail', 'second']);
    await waitFor(() => tail.output().includes('second'));
    expect(await tail.stop('SIGINT')).toBe(0);
    expect(tail.output()).toMatch(/consumed 2 message\(s\) from Tail/);
  });

  it('bench produce sends the messages and prints a summary; bench consume reads them back', async () => {
    await createTopic('Bench');
    const produce = await rn([
      'bench',
      'produce',
      '--topic',
      'Bench',
      '--messages',
      '300',
      '--size',
      '100',
      '--concurrency',
      '4',
    ]);
    expect(produce.status).toBe(0);
    expect(produce.stdout).toMatch(
      /messages\s+errors\s+seconds\s+msgs\/s\s+MB\/s\s+send p50 ms\s+p99 ms\s+p99\.9 ms/,
    );
    expect(produce.stdout).toMatch(/\n\s+300\s+0\s/);
    const described = await rn(['topic', 'describe', 'Bench']);
    expect(described.stdout).toMatch(/300 message\(s\) stored/);

    const read = await rn(['bench', 'consume', '--topic', 'Bench', '--messages', '300', '--json']);
    expect(read.status).toBe(0);
    expect(JSON.parse(read.stdout)).toMatchObject({ messages: 300, errors: 0 });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
