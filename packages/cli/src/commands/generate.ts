import type { Command } from 'commander';
import { generateService } from '../generate/generate-service';

interface GenerateFlags {
  path?: string;
  group?: string;
  topic?: string;
  dryRun?: boolean;
  force?: boolean;
}

export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .alias('g')
    .description(
      'add RocketMQ messaging to an existing Nest app: module, producer, consumer and their tests',
    )
    .argument('<name>', 'kebab-case name of the service, e.g. payments or order-events')
    .option('--path <dir>', 'the Nest app, the directory with src/ (default: the current one)')
    .option('--group <group>', 'consumer group of the handlers (default: <name>-consumer)')
    .option('--topic <topic>', 'topic to send to and consume (default: <name>)')
    .option('--dry-run', 'print the files instead of writing them')
    .option('--force', 'overwrite files that exist')
    .action((name: string, flags: GenerateFlags) => {
      generateService({ ...flags, name, path: flags.path ?? process.cwd() });
    });
}
