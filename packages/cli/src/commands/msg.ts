import type { Command } from 'commander';
import { parseOffsetMessageId, formatHostPort } from '@rocketnest/protocol';
import { clientCommand, withJsonOption, type ClientFlags } from '../client-options';
import { CliError } from '../errors';
import { messageView, printMessage } from '../message-view';
import { printJson } from '../output';
import { UsageError } from '../options';
import { masters, withAdmin, type AdminSession } from '../session';

interface MsgFlags extends ClientFlags {
  topic?: string;
  key?: string;
}

export function registerMsgCommand(program: Command): void {
  withJsonOption(
    clientCommand(program, 'msg', 'show a message by its id, or the messages with a key'),
  )
    .argument('[msgId]', 'the msgId or offsetMsgId `send` printed')
    .option('--topic <topic>', 'the topic (required with --key and for a msgId)')
    .option('--key <key>', 'find the messages with this business key')
    .action(async (msgId: string | undefined, flags: MsgFlags) => {
      if ((msgId === undefined) === (flags.key === undefined))
        throw new UsageError('give a msgId or --key <key>, not both');
      if (flags.key !== undefined && !flags.topic)
        throw new UsageError('--key needs --topic <topic>');
      await withAdmin(flags, async (s) => {
        if (flags.key !== undefined) return showByKey(s, flags.topic!, flags.key, flags.json);
        const topic = flags.topic ?? (await topicOfOffsetId(s, msgId!));
        const brokers = masters(await s.route(topic));
        const msg = await s.admin.viewMessage(topic, msgId!);
        // Found by offset id, the client names the broker by its address: show its name.
        const broker = brokers.find((b) => b.addr === msg.brokerName);
        printMessage(broker ? { ...msg, brokerName: broker.brokerName } : msg, Boolean(flags.json));
      });
    });
}

async function showByKey(
  s: AdminSession,
  topic: string,
  key: string,
  json?: boolean,
): Promise<void> {
  await s.route(topic);
  const found = await s.admin.queryMessageByKey(topic, key);
  if (found.length === 0) throw new CliError(`no message with key ${key} in topic ${topic}`);
  found.sort((a, b) => a.storeTimestamp - b.storeTimestamp);
  if (json) {
    printJson(found.map(messageView));
    return;
  }
  found.forEach((m, i) => {
    if (i > 0) process.stdout.write('\n');
    printMessage(m, false);
  });
}

/**
 * Without --topic only an offset message id can be looked up: it names the broker and the
 * commit-log position. A unique id (what `send` prints as msgId) says nothing about the topic.
 */
async function topicOfOffsetId(s: AdminSession, msgId: string): Promise<string> {
  let addr: string;
  let offset: number;
  try {
    const parsed = parseOffsetMessageId(msgId);
    if (parsed.storeHost.port <= 0 || parsed.storeHost.port > 65535) throw new Error('no port');
    addr = formatHostPort(parsed.storeHost);
    offset = parsed.commitLogOffset;
  } catch {
    throw new UsageError(`${msgId} is not an offset message id; give its topic with --topic`);
  }
  const topic = await s.brokers.topicOfStoredMessage(addr, offset);
  if (!topic) throw new CliError(`message ${msgId} not found on broker ${addr}`);
  return topic;
}
