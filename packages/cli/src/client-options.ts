import type { Command } from 'commander';
import { parseAddressList } from './options';

export const NAMESRV_ENV = 'ROCKETNEST_NAMESRV';
export const DEFAULT_NAMESRV = '127.0.0.1:9876';
/** Per request; an unreachable server is reported after this long. */
export const REQUEST_TIMEOUT_MS = 3000;

export interface ClientFlags {
  namesrv?: string;
  json?: boolean;
}

const clientCommands = new WeakSet<Command>();

/**
 * Commands that talk to a running cluster (as opposed to running a server): the process exits
 * once they finish, not waiting for sockets to half-close.
 */
export function isClientCommand(command: Command): boolean {
  return clientCommands.has(command);
}

/** Adds the options every command that talks to a running cluster takes. */
export function clientCommand(parent: Command, name: string, description: string): Command {
  const command = parent.command(name);
  clientCommands.add(command);
  return command
    .description(description)
    .option(
      '-n, --namesrv <addr>',
      `name server(s), "host:port;host:port" (default $${NAMESRV_ENV} or ${DEFAULT_NAMESRV})`,
    );
}

export function withJsonOption(command: Command): Command {
  return command.option('--json', 'print JSON instead of a table');
}

/** The name servers to use: -n/--namesrv, else $ROCKETNEST_NAMESRV, else 127.0.0.1:9876. */
export function namesrvOf(flags: ClientFlags): string[] {
  const value = flags.namesrv ?? process.env[NAMESRV_ENV] ?? DEFAULT_NAMESRV;
  const list = parseAddressList(value);
  return list.length > 0 ? list : [DEFAULT_NAMESRV];
}
