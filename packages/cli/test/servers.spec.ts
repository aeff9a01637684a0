import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  RemotingClient,
  RequestCode,
  ResponseCode,
  createRequest,
  decodeJsonBody,
  type TopicRouteData,
} from '@rocketnest/protocol';
import { startNodeProcess } from '../../../test/support/child-process';
import { tempDir } from '../../../test/support/temp-dir';
import { createTopic } from '../../../test/support/topics';

const CLI = join(__dirname, '..', 'dist', 'main.js');

function route(client: RemotingClient, namesrv: string, topic: string) {
  return client.invoke(
    namesrv,
    createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic } }),
  );
}

describe('rocketnest servers (the real binary)', () => {
  const client = new RemotingClient();
  afterAll(() => client.close());

  it('start runs a name server and a broker, prints their addresses, and stops cleanly on SIGINT', async () => {
    const dataDir = join(tempDir(), 'data');
    const proc = await startNodeProcess(
      CLI,
      [
        'start',
        '--namesrv-port',
        '0',
        '--broker-port',
        '0',
        '--data-dir',
        dataDir,
        '--log-level',
        'warn',
      ],
      /name server listening on (\S+)\nrocketnest: broker broker-a listening on (\S+) \(data in (\S+), async flush\)\n.*ready/,
    );
    const [, namesrv, broker, dir] = proc.ready;
    expect(dir).toBe(dataDir);
    // Auto-create is on for start: the TBW102 route that 4.x producers use exists.
    const tbw = await route(client, namesrv!, 'TBW102');
    expect(tbw.code).toBe(ResponseCode.SUCCESS);
    expect(decodeJsonBody<TopicRouteData>(tbw.body, 'route').brokerDatas[0]!.brokerAddrs['0']).toBe(
      broker,
    );
    expect(await proc.stop('SIGINT')).toBe(0);
    expect(proc.output()).toContain('rocketnest: stopped');
  });

  it('runs a broker registering with two separately started name servers', async () => {
    const ns1 = await startNodeProcess(
      CLI,
      ['namesrv', '--port', '0', '--log-level', 'warn'],
      /listening on (\S+)/,
    );
    const ns2 = await startNodeProcess(
      CLI,
      ['namesrv', '--port', '0', '--log-level', 'warn'],
      /listening on (\S+)/,
    );
    const namesrvs = [ns1.ready[1]!, ns2.ready[1]!];
    const broker = await startNodeProcess(
      CLI,
      [
        'broker',
        '--namesrv',
        namesrvs.join(';'),
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--data-dir',
        join(tempDir(), 'b'),
        '--broker-name',
        'broker-x',
        '--metrics-port',
        '0',
        '--log-level',
        'warn',
      ],
      /broker broker-x listening on (\S+).*\nrocketnest: metrics at (\S+)\n/,
    );
    await createTopic(client, broker.ready[1]!, 'CliTopic', 2);
    const metrics = await fetch(broker.ready[2]!);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^rocketnest_topic_messages\{topic="CliTopic"\} 0$/m);
    for (const ns of namesrvs) {
      const r = await route(client, ns, 'CliTopic');
      expect(r.code).toBe(ResponseCode.SUCCESS);
      expect(decodeJsonBody<TopicRouteData>(r.body, 'route').queueDatas[0]).toMatchObject({
        brokerName: 'broker-x',
        writeQueueNums: 2,
      });
    }
    // The broker refuses unknown topics unless --auto-create-topic is given.
    expect((await route(client, namesrvs[0]!, 'TBW102')).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(await broker.stop('SIGTERM')).toBe(0);
    // Unregistered on shutdown: the route is gone at once.
    expect((await route(client, namesrvs[0]!, 'CliTopic')).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    await ns1.stop('SIGTERM');
    await ns2.stop('SIGTERM');
  });

  it.each([
    [['start', '--flush-mode', 'fast'], /--flush-mode must be "sync" or "async", got "fast"/],
    [['start', '--namesrv-port', 'x'], /--namesrv-port must be a port number/],
    [['broker'], /required option '--namesrv <addrs>' not specified/],
    [['broker', '--namesrv', 'nohost'], /"nohost" is not host:port/],
    [['start', '--config', '/nonexistent/rocketnest.json'], /cannot read config file/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('exits 2 with a clear message for %j', (args, message) => {
    const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('exits 1 naming the port when it is already in use', async () => {
    const ns = await startNodeProcess(
      CLI,
      ['namesrv', '--port', '0', '--host', '127.0.0.1', '--log-level', 'warn'],
      /listening on \S+:(\d+)/,
    );
    const result = spawnSync(
      process.execPath,
      [CLI, 'namesrv', '--port', ns.ready[1]!, '--host', '127.0.0.1', '--log-level', 'warn'],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/EADDRINUSE|address already in use/);
    await ns.stop('SIGTERM');
  });

  it('prints help for every command', () => {
    for (const args of [
      ['--help'],
      ['start', '--help'],
      ['namesrv', '--help'],
      ['broker', '--help'],
    ]) {
      const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/Usage: rocketnest/);
    }
  });
});
