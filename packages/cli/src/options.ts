import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrokerOptions } from '@rocketnest/broker';
import type { LogLevel } from '@rocketnest/protocol';
import type { FlushMode, MessageStoreOptions } from '@rocketnest/store';

/**
 * What `rocketnest start|namesrv|broker` run, as one options object. A JSON config file
 * (`--config`) is read first; command-line flags override it.
 */
export interface ServerOptions {
  host?: string;
  namesrvPort: number;
  brokerPort: number;
  advertisedAddress?: string;
  dataDir: string;
  flushMode: FlushMode;
  brokerName: string;
  clusterName: string;
  namesrvAddrs: string[];
  autoCreateTopic: boolean;
  /** Serve Prometheus metrics on this port (0: a free one); unset: not served. */
  metricsPort?: number;
  logLevel: LogLevel;
  /** Extra broker options (see @rocketnest/broker BrokerOptions), from the config file only. */
  broker?: Partial<Omit<BrokerOptions, 'store'>>;
  /** Extra store options (see @rocketnest/store MessageStoreOptions), from the config file only. */
  store?: Partial<MessageStoreOptions>;
}

export const SERVER_DEFAULTS: ServerOptions = {
  namesrvPort: 9876,
  brokerPort: 10911,
  dataDir: resolve('.rocketnest'),
  flushMode: 'async',
  brokerName: 'broker-a',
  clusterName: 'DefaultCluster',
  namesrvAddrs: [],
  autoCreateTopic: true,
  logLevel: 'info',
};

/** Where `--data-dir` points when not given: ./.rocketnest, or ~/.rocketnest with --home. */
export function defaultDataDir(home: boolean): string {
  return home ? join(homedir(), '.rocketnest') : resolve('.rocketnest');
}

export class UsageError extends Error {}

export function readConfigFile(path: string): Partial<ServerOptions> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not a JSON object');
    return parsed as Partial<ServerOptions>;
  } catch (err) {
    throw new UsageError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

export function parsePort(value: string, flag: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`${flag} must be a port number (0-65535), got "${value}"`);
  return port;
}

export function parseFlushMode(value: string): FlushMode {
  if (value !== 'sync' && value !== 'async')
    throw new UsageError(`--flush-mode must be "sync" or "async", got "${value}"`);
  return value;
}

/** "a:9876;b:9876" or "a:9876,b:9876" -> ["a:9876", "b:9876"]. */
export function parseAddressList(value: string): string[] {
  const list = value
    .split(/[;,]/)
    .map((s) => s.trim())
    .filter(Boolean);
  for (const addr of list) {
    if (!/^[^:\s]+:\d+$/.test(addr) && !/^\[.+\]:\d+$/.test(addr))
      throw new UsageError(`"${addr}" is not host:port`);
  }
  return list;
}

export function parseLogLevel(value: string): LogLevel {
  const levels: LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
  if (!levels.includes(value as LogLevel))
    throw new UsageError(`--log-level must be one of ${levels.join(', ')}`);
  return value as LogLevel;
}
