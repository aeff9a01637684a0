import type { Command } from 'commander';
import { clientCommand, withJsonOption, type ClientFlags } from '../client-options';
import type { QueueConsumeStats } from '../broker-requests';
import { printJson, printTable } from '../output';
import { masters, withAdmin, type AdminSession } from '../session';

export function registerLagCommand(program: Command): void {
  withJsonOption(
    clientCommand(
      program,
      'lag',
      "a group's backlog per queue: broker offset, consumer offset, lag",
    ),
  )
    .argument('<group>')
    .option('--topic <topic>', 'only this topic (default: every topic the group committed on)')
    .action(async (group: string, flags: ClientFlags & { topic?: string }) => {
      await withAdmin(flags, async (s) => {
        const queues = await groupLag(s, group, flags.topic);
        const total = queues.reduce((sum, q) => sum + q.lag, 0);
        if (flags.json) {
          const rows = queues.map(({ queue, ...offsets }) => ({ ...queue, ...offsets }));
          return printJson({ group, total, queues: rows });
        }
        if (queues.length === 0) {
          process.stdout.write(`group ${group} has no committed offsets\ntotal lag: 0\n`);
          return;
        }
        printTable(
          ['TOPIC', 'BROKER', 'QUEUE', 'BROKER OFFSET', 'CONSUMER OFFSET', 'LAG'],
          queues.map((q) => [
            q.queue.topic,
            q.queue.brokerName,
            q.queue.queueId,
            q.brokerOffset,
            q.consumerOffset,
            q.lag,
          ]),
        );
        process.stdout.write(`total lag: ${total}\n`);
      });
    });
}

async function groupLag(
  s: AdminSession,
  group: string,
  topic?: string,
): Promise<QueueConsumeStats[]> {
  const brokers = topic ? masters(await s.route(topic)) : await allMasters(s);
  const out: QueueConsumeStats[] = [];
  for (const { addr } of brokers) out.push(...(await s.brokers.consumeStats(addr, group, topic)));
  return out.sort(
    (a, b) =>
      a.queue.topic.localeCompare(b.queue.topic) ||
      a.queue.brokerName.localeCompare(b.queue.brokerName) ||
      a.queue.queueId - b.queue.queueId,
  );
}

async function allMasters(s: AdminSession): Promise<{ brokerName: string; addr: string }[]> {
  const info = await s.admin.clusterInfo();
  return Object.values(info.brokerAddrTable)
    .map((b) => ({ brokerName: b.brokerName, addr: b.brokerAddrs['0'] ?? '' }))
    .filter((b) => b.addr !== '');
}
