import type { Command } from 'commander';
import type { ConsumedMessage, LitePullConsumer, MessageQueue } from '@rocketnest/client';
import { clientCommand, type ClientFlags } from '../client-options';
import { withPullConsumer } from '../clients';
import { CliError } from '../errors';
import { messageLine, messageView } from '../message-view';
import { UsageError } from '../options';
import { printJson } from '../output';
import { masters, withAdmin, type AdminSession } from '../session';
import { parseStartPosition, seekAll } from '../start-position';
import { StopSignal } from '../stop-signal';
import { tagFilter } from '../tag-filter';
import { parseInteger } from '../values';

interface ConsumeFlags extends ClientFlags {
  group?: string;
  from?: string;
  fromOffset?: string;
  tags?: string;
  count?: string;
  idleTimeout?: string;
}

/** The group a reader without --group pulls as; it never commits offsets. */
const TAIL_GROUP = 'rocketnest-cli-tail';
const POLL_MS = 500;

export function registerConsumeCommand(program: Command): void {
  clientCommand(program, 'consume', 'print the messages of a topic as they arrive (Ctrl-C stops)')
    .argument('<topic>')
    .option('-g, --group <group>', 'consume as this group and commit its offsets')
    .option(
      '--from <where>',
      'beginning | end | a time (epoch ms or ISO date); with --group only for queues the group never committed (beginning | end)',
    )
    .option('--from-offset <n>', 'start every queue at this offset (without --group)')
    .option('--tags <expr>', 'only messages with these tags ("a || b")')
    .option('-c, --count <n>', 'stop after n messages')
    .option('--idle-timeout <ms>', 'stop when no message arrives for this long')
    .option('--json', 'one JSON object per line: msgId, keys, tags, properties, body...')
    .action(async (topic: string, flags: ConsumeFlags) => {
      const position = parseStartPosition(flags.from, flags.fromOffset);
      if (flags.group && (position.kind === 'offset' || position.kind === 'timestamp'))
        throw new UsageError(
          `with --group, reading starts at the group's committed offsets; move them with \`rocketnest offset reset ${flags.group} ${topic} --timestamp <time>\``,
        );
      const options = {
        count: flags.count === undefined ? undefined : parseInteger(flags.count, '--count'),
        idleMs:
          flags.idleTimeout === undefined
            ? undefined
            : parseInteger(flags.idleTimeout, '--idle-timeout'),
        accepts: tagFilter(flags.tags),
        json: Boolean(flags.json),
      };
      await withAdmin(flags, async (session) => {
        const brokers = masters(await session.route(topic));
        await withPullConsumer(
          flags,
          {
            group: flags.group ?? TAIL_GROUP,
            autoCommit: flags.group !== undefined,
            consumeFromWhere:
              position.kind === 'beginning'
                ? 'CONSUME_FROM_FIRST_OFFSET'
                : 'CONSUME_FROM_LAST_OFFSET',
          },
          async (consumer) => {
            if (flags.group) {
              // A member of the group: queues are shared with its other members (rebalance).
              consumer.subscribe(topic, flags.tags ?? '*');
            } else {
              const queues = await consumer.queuesOf(topic);
              await consumer.assign(queues);
              await seekAll(consumer, queues, position, searchIn(session, brokers));
            }
            const n = await printUntilStopped(consumer, options);
            if (flags.group) await consumer.commit();
            process.stderr.write(`consumed ${n} message(s) from ${topic}\n`);
          },
        );
      });
    });
}

function searchIn(
  session: AdminSession,
  brokers: { brokerName: string; addr: string }[],
): (queue: MessageQueue, timestamp: number) => Promise<number> {
  return (queue, timestamp) => {
    const broker = brokers.find((b) => b.brokerName === queue.brokerName);
    if (!broker) throw new CliError(`broker ${queue.brokerName} of ${queue.topic} has no master`);
    return session.brokers.searchOffset(broker.addr, queue, timestamp);
  };
}

interface PrintOptions {
  count?: number;
  idleMs?: number;
  accepts: (tag: string | undefined) => boolean;
  json: boolean;
}

/** Polls and prints until --count, --idle-timeout or Ctrl-C; returns how many it printed. */
async function printUntilStopped(consumer: LitePullConsumer, o: PrintOptions): Promise<number> {
  const stop = new StopSignal();
  let printed = 0;
  let lastArrival = Date.now();
  try {
    while (!stop.requested && (o.count === undefined || printed < o.count)) {
      // Never take more than --count still allows: what is taken is what gets committed.
      const batch = await consumer.poll(POLL_MS, o.count === undefined ? 32 : o.count - printed);
      if (batch.length > 0) lastArrival = Date.now();
      else if (o.idleMs !== undefined && Date.now() - lastArrival >= o.idleMs) break;
      for (const msg of batch) {
        if (!o.accepts(msg.tags)) continue;
        print(msg, o.json);
        printed++;
      }
    }
  } finally {
    stop.dispose();
  }
  return printed;
}

function print(msg: ConsumedMessage, json: boolean): void {
  if (json) printJson(messageView(msg), true);
  else process.stdout.write(`${messageLine(msg)}\n`);
}
