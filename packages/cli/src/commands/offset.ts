import type { Command } from 'commander';
import { clientCommand, withJsonOption, type ClientFlags } from '../client-options';
import { printJson, printTable } from '../output';
import { withAdmin } from '../session';
import { parseTimestamp } from '../values';

export function registerOffsetCommands(program: Command): void {
  const offset = program.command('offset').description("move a consumer group's offsets");

  withJsonOption(
    clientCommand(
      offset,
      'reset',
      "move a stopped group's offsets on a topic to the first message stored at or after a time",
    ),
  )
    .argument('<group>')
    .argument('<topic>')
    .requiredOption('--timestamp <time>', 'epoch ms or ISO date (0: the oldest message)')
    .action(async (group: string, topic: string, flags: ClientFlags & { timestamp: string }) => {
      const timestamp = parseTimestamp(flags.timestamp, '--timestamp');
      await withAdmin(flags, async (s) => {
        await s.route(topic);
        const offsets = await s.admin.resetOffsetByTimestamp(group, topic, timestamp);
        const rows = [...offsets].map(([queue, offset]) => {
          const colon = queue.lastIndexOf(':');
          return {
            brokerName: queue.slice(0, colon),
            queueId: Number(queue.slice(colon + 1)),
            offset,
          };
        });
        if (flags.json) return printJson({ group, topic, timestamp, queues: rows });
        printTable(
          ['BROKER', 'QUEUE', 'NEW OFFSET'],
          rows.map((r) => [r.brokerName, r.queueId, r.offset]),
        );
        process.stdout.write(
          `group ${group} on ${topic} reset to ${new Date(timestamp).toISOString()}\n`,
        );
      });
    });
}
