#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { registerBenchCommands } from './commands/bench';
import { registerConsumeCommand } from './commands/consume';
import { registerGenerateCommand } from './commands/generate';
import { registerLagCommand } from './commands/lag';
import { registerMsgCommand } from './commands/msg';
import { registerOffsetCommands } from './commands/offset';
import { registerSendCommand } from './commands/send';
import { registerServerCommands } from './commands/servers';
import { registerTopicCommands } from './commands/topic';
import { isClientCommand } from './client-options';
import { UsageError } from './options';

/** Exit codes: 0 success, 1 runtime failure (broker down, topic missing...), 2 usage error. */
export function buildProgram(): Command {
  const program = new Command('rocketnest')
    .description('rocketnest: a RocketMQ-compatible name server and broker, and tools to use them')
    .version(
      (
        JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version,
    )
    .showHelpAfterError()
    .exitOverride();
  program.addOption(
    new Option('--log-level <level>', 'debug | info | warn | error | silent').default('info'),
  );
  registerServerCommands(program);
  registerTopicCommands(program);
  registerSendCommand(program);
  registerConsumeCommand(program);
  registerLagCommand(program);
  registerMsgCommand(program);
  registerOffsetCommands(program);
  registerBenchCommands(program);
  registerGenerateCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  let clientCommandDone = false;
  program.hook('postAction', (_program, action) => {
    clientCommandDone = isClientCommand(action);
  });
  try {
    await program.parseAsync(argv);
    if (clientCommandDone) process.exit(0);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (
      code === 'commander.helpDisplayed' ||
      code === 'commander.version' ||
      code === 'commander.help'
    )
      process.exit(0);
    if (typeof code === 'string' && code.startsWith('commander.')) process.exit(2);
    if (err instanceof UsageError) {
      process.stderr.write(`rocketnest: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`rocketnest: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}

if (require.main === module) void main(process.argv);
