import { join } from 'node:path';
import type { Logger, SocketAddress } from '@rocketnest/protocol';
import { silentLogger } from '@rocketnest/protocol';
import type { Preallocation } from './segment-allocator';

export type FlushMode = 'sync' | 'async';

/** Options of a MessageStore; every field but `dataDir` has a default (see DEFAULT_STORE_CONFIG). */
export interface MessageStoreOptions {
  /** Root directory: commitlog/, consumequeue/, index/, config/ and the checkpoint live here. */
  dataDir: string;
  /** CommitLog segment size in bytes (RocketMQ: 1 GiB). */
  commitLogSegmentSize?: number;
  /** ConsumeQueue units (20 bytes each) per file (RocketMQ: 300,000). */
  consumeQueueUnitsPerFile?: number;
  /** `sync`: acknowledge after fdatasync of the batch holding the message; `async`: after the write. */
  flushMode?: FlushMode;
  /**
   * How CommitLog segments get their disk blocks. `zero` (default with sync flush): zeros are
   * written and made durable ahead of the records, so an fdatasync commits data only; it writes
   * each segment twice. `sparse` (default with async flush): segments are created as holes.
   */
  commitLogPreallocate?: Preallocation;
  /** Async mode: fdatasync at least this often. */
  flushIntervalMs?: number;
  /** Sync mode: how long an append waits for its flush before FLUSH_DISK_TIMEOUT. */
  syncFlushTimeoutMs?: number;
  /**
   * Bytes of the newest CommitLog data kept in memory, so that caught-up consumers read without a
   * file read (in whole 1 MiB chunks; 0 turns it off).
   */
  commitLogTailCacheBytes?: number;
  /** Largest message body accepted, in bytes (RocketMQ: 4 MiB). */
  maxMessageSize?: number;
  /** Delay levels, RocketMQ syntax: "1s 5s 10s 30s 1m ... 2h" (units s, m, h, d). */
  messageDelayLevel?: string;
  /** Segments whose newest message is older than this are deleted (RocketMQ: 72 h). */
  fileReservedTimeMs?: number;
  /** Hour(s) of the day at which expired segments are deleted, "04" or "04;16". */
  deleteWhen?: string;
  /** Disk usage ratio above which expired segments are deleted at any hour, oldest first. */
  diskCleanRatio?: number;
  /** Disk usage ratio above which even unexpired segments are deleted (keeping the newest). */
  diskForceCleanRatio?: number;
  /** Disk usage ratio above which new writes are refused (reads continue). */
  diskRejectRatio?: number;
  /** How often retention runs. */
  cleanIntervalMs?: number;
  /** Index file capacity: hash slots and entries per file (RocketMQ: 5M / 20M). */
  indexHashSlots?: number;
  indexEntriesPerFile?: number;
  /** How often consumer offsets, delay progress and queue files are persisted. */
  persistIntervalMs?: number;
  /** The host written into records (the broker's advertised address). */
  storeHost?: SocketAddress;
  /** Measures disk usage of the data dir's file system; replaceable in tests. */
  diskUsage?: (dir: string) => Promise<number>;
  logger?: Logger;
}

export type MessageStoreConfig = Required<MessageStoreOptions>;

export const DEFAULT_MESSAGE_DELAY_LEVEL =
  '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h';

export function resolveStoreConfig(
  options: MessageStoreOptions,
  diskUsage: (dir: string) => Promise<number>,
): MessageStoreConfig {
  return {
    commitLogSegmentSize: 1024 * 1024 * 1024,
    consumeQueueUnitsPerFile: 300_000,
    flushMode: 'async',
    commitLogPreallocate: options.flushMode === 'sync' ? 'zero' : 'sparse',
    flushIntervalMs: 500,
    syncFlushTimeoutMs: 5000,
    commitLogTailCacheBytes: 32 * 1024 * 1024,
    maxMessageSize: 4 * 1024 * 1024,
    messageDelayLevel: DEFAULT_MESSAGE_DELAY_LEVEL,
    fileReservedTimeMs: 72 * 3600 * 1000,
    deleteWhen: '04',
    diskCleanRatio: 0.75,
    diskForceCleanRatio: 0.85,
    diskRejectRatio: 0.9,
    cleanIntervalMs: 10_000,
    indexHashSlots: 500_000,
    indexEntriesPerFile: 2_000_000,
    persistIntervalMs: 5000,
    storeHost: { address: '127.0.0.1', port: 10911 },
    diskUsage,
    logger: silentLogger,
    ...stripUndefined(options),
    dataDir: options.dataDir,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export const storePaths = (dataDir: string) => ({
  commitLog: join(dataDir, 'commitlog'),
  consumeQueue: join(dataDir, 'consumequeue'),
  index: join(dataDir, 'index'),
  config: join(dataDir, 'config'),
  checkpoint: join(dataDir, 'checkpoint'),
  abort: join(dataDir, 'abort'),
  lock: join(dataDir, 'lock'),
});

/** Parses "1s 5s 10s 1m 2h 1d" into milliseconds per level (level 1 first). */
export function parseDelayLevels(text: string): number[] {
  const unit: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  return text
    .trim()
    .split(/\s+/)
    .map((item) => {
      const match = /^(\d+)([smhd])$/.exec(item);
      if (!match) throw new Error(`bad delay level "${item}" in "${text}"`);
      return Number(match[1]) * unit[match[2]!]!;
    });
}
