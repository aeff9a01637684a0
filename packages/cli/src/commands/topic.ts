import { permToString } from '@rocketnest/protocol';
import type { Command } from 'commander';
import { clientCommand, withJsonOption, type ClientFlags } from '../client-options';
import { CliError } from '../errors';
import { UsageError } from '../options';
import { printJson, printTable } from '../output';
import { masters, withAdmin, type AdminSession } from '../session';
import { parseInteger } from '../values';

interface CreateFlags extends ClientFlags {
  queues: string;
  broker?: string;
  cluster?: string;
}

/** Topics RocketMQ brokers create for themselves; `topic list` hides them unless --all. */
const SYSTEM_TOPIC =
  /^(TBW102|SCHEDULE_TOPIC_XXXX|OFFSET_MOVED_EVENT|SELF_TEST_TOPIC|BenchmarkTest|RMQ_SYS_.*|rmq_sys_.*|.*_REPLY_TOPIC)$/;

export function registerTopicCommands(program: Command): void {
  const topic = program.command('topic').description('create, list, describe and delete topics');

  clientCommand(topic, 'create', 'create (or update) a topic on every master broker')
    .argument('<topic>')
    .option('--queues <n>', 'read and write queues per broker', '8')
    .option('--broker <addr>', 'only on this broker ("host:port")')
    .option('--cluster <name>', "only on this cluster's master brokers")
    .action(async (name: string, flags: CreateFlags) => {
      const queues = parseInteger(flags.queues, '--queues');
      if (flags.broker && flags.cluster)
        throw new UsageError('give --broker or --cluster, not both');
      await withAdmin(flags, async (s) => {
        if (flags.broker) await s.brokers.createTopic(flags.broker, name, queues);
        else await s.admin.createTopic(name, { queueNums: queues, cluster: flags.cluster });
        const where = flags.broker ?? (flags.cluster ? `cluster ${flags.cluster}` : 'every master');
        process.stdout.write(`topic ${name} created with ${queues} queues on ${where}\n`);
      });
    });

  withJsonOption(clientCommand(topic, 'list', 'list the topics the name server knows'))
    .option('--all', 'include system topics (TBW102, cluster and broker names, ...)')
    .action(async (flags: ClientFlags & { all?: boolean }) => {
      await withAdmin(flags, async (s) => {
        const all = (await s.admin.listTopics()).sort();
        const topics = flags.all ? all : all.filter(await userTopicFilter(s));
        if (flags.json) printJson(topics);
        else
          printTable(
            ['TOPIC'],
            topics.map((t) => [t]),
          );
      });
    });

  withJsonOption(
    clientCommand(topic, 'describe', "a topic's route: brokers, queues, permissions and offsets"),
  )
    .argument('<topic>')
    .action(async (name: string, flags: ClientFlags) => {
      await withAdmin(flags, async (s) => describeTopic(s, name, Boolean(flags.json)));
    });

  clientCommand(topic, 'delete', 'delete a topic from every broker and name server')
    .argument('<topic>')
    .action(async (name: string, flags: ClientFlags) => {
      await withAdmin(flags, async (s) => {
        await s.route(name);
        await s.admin.deleteTopic(name);
        process.stdout.write(`topic ${name} deleted\n`);
      });
    });
}

async function userTopicFilter(s: AdminSession): Promise<(topic: string) => boolean> {
  const info = await s.admin.clusterInfo();
  const names = new Set([
    ...Object.keys(info.clusterAddrTable),
    ...Object.keys(info.brokerAddrTable),
  ]);
  return (topic) => !SYSTEM_TOPIC.test(topic) && !names.has(topic);
}

async function describeTopic(s: AdminSession, topic: string, json: boolean): Promise<void> {
  const route = await s.route(topic);
  const brokers = masters(route);
  if (brokers.length === 0) throw new CliError(`topic ${topic} has no master broker`);
  const rows = [];
  for (const { brokerName, addr } of brokers) {
    const data = route.queueDatas.find((q) => q.brokerName === brokerName);
    for (const q of await s.brokers.topicStats(addr, topic)) {
      rows.push({
        brokerName,
        addr,
        queueId: q.queue.queueId,
        perm: data?.perm,
        minOffset: q.minOffset,
        maxOffset: q.maxOffset,
        lastUpdateTimestamp: q.lastUpdateTimestamp,
      });
    }
  }
  rows.sort((a, b) => a.brokerName.localeCompare(b.brokerName) || a.queueId - b.queueId);
  if (json) return printJson({ topic, brokers, queueDatas: route.queueDatas, queues: rows });
  process.stdout.write(
    `topic ${topic}: ${brokers.length} broker(s), ${rows.length} queue(s), ${rows.reduce((n, r) => n + r.maxOffset - r.minOffset, 0)} message(s) stored\n`,
  );
  printTable(
    ['BROKER', 'ADDRESS', 'QUEUE', 'PERM', 'MIN OFFSET', 'MAX OFFSET', 'LAST WRITE'],
    rows.map((r) => [
      r.brokerName,
      r.addr,
      r.queueId,
      r.perm === undefined ? '' : permToString(r.perm),
      r.minOffset,
      r.maxOffset,
      r.lastUpdateTimestamp > 0 ? new Date(r.lastUpdateTimestamp).toISOString() : '-',
    ]),
  );
}
