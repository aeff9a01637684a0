import type { Command } from 'commander';
import { startBroker, startEmbedded, startNameServer, type RunningServer } from '../embedded';
import {
  SERVER_DEFAULTS,
  defaultDataDir,
  parseAddressList,
  parseFlushMode,
  parseLogLevel,
  parsePort,
  readConfigFile,
  type ServerOptions,
} from '../options';

interface ServerFlags {
  config?: string;
  host?: string;
  namesrvPort?: string;
  brokerPort?: string;
  port?: string;
  advertisedAddress?: string;
  dataDir?: string;
  home?: boolean;
  flushMode?: string;
  brokerName?: string;
  cluster?: string;
  namesrv?: string;
  autoCreateTopic?: boolean;
  metricsPort?: string;
}

function resolveOptions(
  flags: ServerFlags,
  command: Command,
  defaults: Partial<ServerOptions>,
): ServerOptions {
  const logLevel = (command.optsWithGlobals() as { logLevel: string }).logLevel;
  const file = flags.config ? readConfigFile(flags.config) : {};
  const options: ServerOptions = { ...SERVER_DEFAULTS, ...defaults, ...file };
  if (flags.host !== undefined) options.host = flags.host;
  if (flags.namesrvPort !== undefined)
    options.namesrvPort = parsePort(flags.namesrvPort, '--namesrv-port');
  if (flags.brokerPort !== undefined)
    options.brokerPort = parsePort(flags.brokerPort, '--broker-port');
  if (flags.advertisedAddress !== undefined) options.advertisedAddress = flags.advertisedAddress;
  if (flags.dataDir !== undefined) options.dataDir = flags.dataDir;
  else if (flags.home) options.dataDir = defaultDataDir(true);
  if (flags.flushMode !== undefined) options.flushMode = parseFlushMode(flags.flushMode);
  if (flags.brokerName !== undefined) options.brokerName = flags.brokerName;
  if (flags.cluster !== undefined) options.clusterName = flags.cluster;
  if (flags.namesrv !== undefined) options.namesrvAddrs = parseAddressList(flags.namesrv);
  if (flags.metricsPort !== undefined)
    options.metricsPort = parsePort(flags.metricsPort, '--metrics-port');
  // --[no-]auto-create-topic has a default; only an explicit flag overrides the config file.
  if (command.getOptionValueSource('autoCreateTopic') === 'cli')
    options.autoCreateTopic = Boolean(flags.autoCreateTopic);
  options.logLevel = parseLogLevel(logLevel);
  return options;
}

/** The metrics URL and, beside it, the console's. */
function consoleLines(metricsUrl: string): string {
  const consoleUrl = metricsUrl.replace(/metrics$/, '');
  return `rocketnest: metrics at ${metricsUrl}\nrocketnest: web console at ${consoleUrl}\n`;
}

/** Runs until SIGINT/SIGTERM, then closes cleanly and exits 0 (a second signal exits 1 at once). */
function stopOnSignal(running: RunningServer): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stdout.write(`rocketnest: ${signal} received, stopping...\n`);
    running.close().then(
      () => {
        process.stdout.write('rocketnest: stopped\n');
        process.exit(0);
      },
      (err: unknown) => {
        process.stderr.write(
          `rocketnest: stop failed: ${err instanceof Error ? err.message : String(err)}\n`,
        );
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export function registerServerCommands(program: Command): void {
  program
    .command('start')
    .description('run a name server and a broker in one process (the embedded dev setup)')
    .option('--config <file>', 'JSON config file (flags override it)')
    .option('--host <address>', 'interface to bind (default 127.0.0.1; 0.0.0.0 for all)')
    .option('--namesrv-port <port>', 'name server port (default 9876; 0 picks a free one)')
    .option('--broker-port <port>', 'broker port (default 10911; 0 picks a free one)')
    .option('--advertised-address <ip>', 'IPv4 address clients use to reach the broker')
    .option('--data-dir <dir>', 'where messages are stored (default ./.rocketnest)')
    .option('--home', 'store data in ~/.rocketnest instead of ./.rocketnest')
    .option('--flush-mode <mode>', 'async (default) or sync: acknowledge after fdatasync')
    .option('--broker-name <name>', 'broker name (default broker-a)')
    .option('--cluster <name>', 'cluster name (default DefaultCluster)')
    .option('--namesrv <addrs>', 'also register with these name servers ("host:port;host:port")')
    .option('--no-auto-create-topic', 'refuse sends to unknown topics (on by default for start)')
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics (/metrics) and a read-only web console (/) on this port (0: a free one)',
    )
    .action(async (flags: ServerFlags, command: Command) => {
      const options = resolveOptions(flags, command, { host: '127.0.0.1' });
      const running = await startEmbedded(options);
      stopOnSignal(running);
      process.stdout.write(
        `rocketnest: name server listening on ${running.namesrvAddr}\n` +
          `rocketnest: broker ${options.brokerName} listening on ${running.brokerAddr} (data in ${options.dataDir}, ${options.flushMode} flush)\n` +
          (running.metricsUrl ? consoleLines(running.metricsUrl) : '') +
          `rocketnest: ready; connect clients to name server ${running.namesrvAddr}. Ctrl-C stops.\n`,
      );
    });

  program
    .command('namesrv')
    .description('run a name server')
    .option('--config <file>', 'JSON config file (flags override it)')
    .option('--host <address>', 'interface to bind (default all)')
    .option('--port <port>', 'port (default 9876; 0 picks a free one)')
    .action(async (flags: ServerFlags, command: Command) => {
      const options = resolveOptions({ ...flags, namesrvPort: flags.port }, command, {});
      const { server, addr } = await startNameServer(options);
      stopOnSignal({ namesrvAddr: addr, close: () => server.close() });
      process.stdout.write(
        `rocketnest: name server listening on ${addr}\nrocketnest: ready. Ctrl-C stops.\n`,
      );
    });

  program
    .command('broker')
    .description('run a broker that registers with one or more name servers')
    .option('--config <file>', 'JSON config file (flags override it)')
    .requiredOption('--namesrv <addrs>', 'name servers to register with ("host:port;host:port")')
    .option('--host <address>', 'interface to bind (default all)')
    .option('--port <port>', 'port (default 10911; 0 picks a free one)')
    .option('--advertised-address <ip>', 'IPv4 address clients use to reach the broker')
    .option('--data-dir <dir>', 'where messages are stored (default ./.rocketnest)')
    .option('--home', 'store data in ~/.rocketnest instead of ./.rocketnest')
    .option('--flush-mode <mode>', 'async (default) or sync')
    .option('--broker-name <name>', 'broker name (default broker-a)')
    .option('--cluster <name>', 'cluster name (default DefaultCluster)')
    .option('--auto-create-topic', 'create unknown topics on send (off by default)')
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics (/metrics) and a read-only web console (/) on this port (0: a free one)',
    )
    .action(async (flags: ServerFlags, command: Command) => {
      const options = resolveOptions({ ...flags, brokerPort: flags.port }, command, {
        autoCreateTopic: false,
      });
      const { broker, addr, metricsUrl } = await startBroker(options, options.namesrvAddrs);
      stopOnSignal({ brokerAddr: addr, close: () => broker.close() });
      process.stdout.write(
        `rocketnest: broker ${options.brokerName} listening on ${addr} (data in ${options.dataDir}), registering with ${options.namesrvAddrs.join(', ')}\n` +
          (metricsUrl ? consoleLines(metricsUrl) : '') +
          'rocketnest: ready. Ctrl-C stops.\n',
      );
    });
}
