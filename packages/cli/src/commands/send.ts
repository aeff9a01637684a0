import type { Command } from 'commander';
import type { Message } from '@rocketnest/client';
import { readBody } from '../body-source';
import { clientCommand, withJsonOption, type ClientFlags } from '../client-options';
import { withProducer } from '../clients';
import { UsageError } from '../options';
import { printFields, printJson } from '../output';
import { collectProperty, parseInteger, parseList, parseTimestamp } from '../values';

interface SendFlags extends ClientFlags {
  file?: string;
  keys?: string;
  tags?: string;
  delayLevel?: string;
  deliverAt?: string;
  property?: Record<string, string>;
  shardingKey?: string;
}

export function registerSendCommand(program: Command): void {
  withJsonOption(clientCommand(program, 'send', 'send one message and print where it was stored'))
    .argument('<topic>')
    .argument('[body]', 'the body (default: --file, else stdin)')
    .option('-f, --file <path>', 'read the body from a file')
    .option('-k, --keys <keys>', 'business keys, comma separated (indexed: `msg --key`)')
    .option('--tags <tag>', 'the tag consumers filter on')
    .option('--delay-level <n>', 'deliver after delay level n (1=1s 2=5s 3=10s 4=30s 5=1m ...)')
    .option('--deliver-at <time>', 'deliver at this time (epoch ms or ISO date)')
    .option('-p, --property <k=v>', 'a user property (repeatable)', collectProperty)
    .option('--sharding-key <key>', 'same key, same queue (ordered per key)')
    .action(async (topic: string, arg: string | undefined, flags: SendFlags) => {
      const message = await toMessage(topic, arg, flags);
      await withProducer(flags, {}, async (producer) => {
        const r = await producer.send(message);
        const result = {
          status: r.status,
          msgId: r.msgId,
          offsetMsgId: r.offsetMsgId,
          topic,
          brokerName: r.queue.brokerName,
          queueId: r.queue.queueId,
          queueOffset: r.queueOffset,
        };
        if (flags.json) return printJson(result);
        printFields([
          ['status', result.status],
          ['msgId', result.msgId],
          ['offsetMsgId', result.offsetMsgId],
          ['queue', `${topic}@${result.brokerName}:${result.queueId}`],
          ['queueOffset', result.queueOffset],
        ]);
      });
    });
}

async function toMessage(
  topic: string,
  arg: string | undefined,
  flags: SendFlags,
): Promise<Message> {
  if (flags.delayLevel !== undefined && flags.deliverAt !== undefined)
    throw new UsageError('give --delay-level or --deliver-at, not both');
  return {
    topic,
    body: await readBody(arg, flags.file),
    keys: flags.keys ? parseList(flags.keys) : undefined,
    tags: flags.tags,
    properties: flags.property,
    delayLevel:
      flags.delayLevel === undefined ? undefined : parseInteger(flags.delayLevel, '--delay-level'),
    deliverAt:
      flags.deliverAt === undefined ? undefined : parseTimestamp(flags.deliverAt, '--deliver-at'),
    shardingKey: flags.shardingKey,
  };
}
