import { freePort } from '../../../test/support/ports';
import type { StartedProcess } from '../../../test/support/child-process';
import { rocketnest, startServer } from './cli-harness';

describe('rocketnest topic commands and errors (the real binary against a real broker)', () => {
  let namesrv: string;
  let server: StartedProcess;

  beforeAll(async () => {
    ({ namesrv, server } = await startServer());
  });
  afterAll(() => server.stop('SIGTERM'));

  const rn = (...args: string[]) => rocketnest(args, { env: { ROCKETNEST_NAMESRV: namesrv } });

  it('creates, lists, describes and deletes a topic', async () => {
    const created = await rn('topic', 'create', 'Lifecycle', '--queues', '3');
    expect(created).toMatchObject({
      status: 0,
      stdout: 'topic Lifecycle created with 3 queues on every master\n',
    });

    const list = await rn('topic', 'list', '--json');
    expect(list.status).toBe(0);
    const topics = JSON.parse(list.stdout) as string[];
    expect(topics).toContain('Lifecycle');
    expect(topics).not.toContain('TBW102');
    expect((await rn('topic', 'list', '--all', '--json')).stdout).toContain('"TBW102"');

    await rn('send', 'Lifecycle', 'one');
    const described = await rn('topic', 'describe', 'Lifecycle', '--json');
    expect(described.status).toBe(0);
    const route = JSON.parse(described.stdout) as {
      queues: { queueId: number; minOffset: number; maxOffset: number; perm: number }[];
    };
    expect(route.queues.map((q) => q.queueId)).toEqual([0, 1, 2]);
    expect(route.queues.reduce((n, q) => n + q.maxOffset - q.minOffset, 0)).toBe(1);
    const table = await rn('topic', 'describe', 'Lifecycle');
    expect(table.stdout).toMatch(
      /topic Lifecycle: 1 broker\(s\), 3 queue\(s\), 1 message\(s\) stored/,
    );
    expect(table.stdout).toMatch(/BROKER\s+ADDRESS\s+QUEUE\s+PERM\s+MIN OFFSET\s+MAX OFFSET/);

    expect(await rn('topic', 'delete', 'Lifecycle')).toMatchObject({
      status: 0,
      stdout: 'topic Lifecycle deleted\n',
    });
    expect(JSON.parse((await rn('topic', 'list', '--json')).stdout)).not.toContain('Lifecycle');
    const gone = await rn('topic', 'describe', 'Lifecycle');
    expect(gone.status).toBe(1);
  });

  it('takes -n/--namesrv over ROCKETNEST_NAMESRV', async () => {
    const down = `127.0.0.1:${await freePort()}`;
    const result = await rocketnest(['topic', 'list', '-n', namesrv], {
      env: { ROCKETNEST_NAMESRV: down },
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^TOPIC\n/);
  });

  it.each([
    [['topic', 'describe', 'NoSuchTopic']],
    [['topic', 'delete', 'NoSuchTopic']],
    [['consume', 'NoSuchTopic', '--count', '1']],
    [['lag', 'SomeGroup', '--topic', 'NoSuchTopic']],
    [['msg', '--key', 'k', '--topic', 'NoSuchTopic']],
    [['offset', 'reset', 'SomeGroup', 'NoSuchTopic', '--timestamp', '0']],
    [['bench', 'consume', '--topic', 'NoSuchTopic']],
  ])('exits 1 saying the topic does not exist: %j', async (args) => {
    const result = await rn(...args);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('rocketnest: topic NoSuchTopic does not exist\n');
  });

  it.each([
    [['topic', 'list']],
    [['send', 'AnyTopic', 'body']],
    [['consume', 'AnyTopic']],
    [['lag', 'SomeGroup']],
  ])('exits 1 naming the name server that is down: %j', async (args) => {
    const down = `127.0.0.1:${await freePort()}`;
    const result = await rocketnest([...args, '-n', down]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`cannot reach the name server at ${down}`);
    expect(result.stderr).toMatch(/ECONNREFUSED/);
  });

  it('exits 1 naming the broker that is down', async () => {
    const down = `127.0.0.1:${await freePort()}`;
    const result = await rn('topic', 'create', 'AnyTopic', '--broker', down);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`cannot reach the broker at ${down}`);
  });

  it.each([
    [['topic', 'create', 'T', '--queues', '0'], /--queues must be an integer >= 1, got "0"/],
    [
      ['topic', 'create', 'T', '--broker', 'a:1', '--cluster', 'c'],
      /--broker or --cluster, not both/,
    ],
    [['topic', 'describe'], /missing required argument 'topic'/],
    [['send', 'T', 'body', '--file', 'x'], /as an argument or with --file, not both/],
    [['send', 'T', 'body', '--file'], /argument missing/],
    [['send', 'T', 'b', '--property', 'novalue'], /--property must be key=value/],
    [
      ['send', 'T', 'b', '--deliver-at', 'tomorrow'],
      /--deliver-at must be epoch milliseconds or an ISO date/,
    ],
    [['send', 'T', '--file', '/nonexistent/body'], /cannot read --file \/nonexistent\/body/],
    [
      ['consume', 'T', '--group', 'G', '--from-offset', '3'],
      /with --group, reading starts at the group's committed offsets/,
    ],
    [['consume', 'T', '--from', 'yesterday'], /--from must be epoch milliseconds or an ISO date/],
    [['msg'], /give a msgId or --key <key>/],
    [['msg', '--key', 'k'], /--key needs --topic/],
    [
      ['msg', 'C0A8000100002A9F0000000000000000X'],
      /is not an offset message id; give its topic with --topic/,
    ],
    [['offset', 'reset', 'G', 'T'], /required option '--timestamp <time>' not specified/],
    [['bench', 'produce', '--messages', '-1'], /--messages must be an integer >= 1/],
    [['topic', 'list', '-n', 'nohost'], /"nohost" is not host:port/],
    [['topic', 'frobnicate'], /unknown command 'frobnicate'/],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const result = await rn(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('prints help for every command', async () => {
    const commands = [
      ['topic'],
      ['topic', 'create'],
      ['topic', 'list'],
      ['topic', 'describe'],
      ['topic', 'delete'],
      ['send'],
      ['consume'],
      ['lag'],
      ['msg'],
      ['offset', 'reset'],
      ['bench', 'produce'],
      ['bench', 'consume'],
    ];
    for (const command of commands) {
      const result = await rocketnest([...command, '--help']);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`Usage: rocketnest ${command.join(' ')}`));
    }
    expect((await rocketnest(['--help'])).stdout).toMatch(/topic .*\n.*send .*\n.*consume/s);
  });
});
