import { statSync } from 'node:fs';
import type { CommitLog } from './commit-log';
import type { MessageStoreConfig } from './config';
import type { Segment } from './segment';

export interface CleanHooks {
  /** Segments were deleted: queues and index drop what pointed into them. */
  afterDelete(minPhysicalOffset: number): void;
  /** Disk usage above the reject ratio (writes refused), or undefined once it is below. */
  setDiskFull(usage: number | undefined): void;
}

/** Segments deleted per run at most, as RocketMQ's deleteFilesInterval pacing. */
const MAX_DELETES_PER_RUN = 10;

/**
 * Retention (RocketMQ's CleanCommitLogService): deletes whole CommitLog segments, oldest first and
 * never the one being written. Expired segments (last written longer ago than fileReservedTimeMs)
 * go at the configured hour, or at any hour once disk usage passes diskCleanRatio; past
 * diskForceCleanRatio the oldest segments go even if not expired. Past diskRejectRatio writes are
 * refused until usage falls; reads continue throughout.
 */
export class CleanService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly hours: Set<number>;

  constructor(
    private readonly config: MessageStoreConfig,
    private readonly commitLog: Pick<CommitLog<unknown>, 'minOffset' | 'deleteSegments'>,
    private readonly hooks: CleanHooks,
  ) {
    this.hours = new Set(
      config.deleteWhen
        .split(';')
        .map((h) => Number(h.trim()))
        .filter((h) => Number.isInteger(h)),
    );
  }

  async start(): Promise<void> {
    await this.checkDisk();
    this.timer = setInterval(
      () => void this.run().catch(() => undefined),
      this.config.cleanIntervalMs,
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  run(now = Date.now()): Promise<void> {
    if (!this.running) {
      this.running = this.clean(now).finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async checkDisk(): Promise<number> {
    const usage = await this.config.diskUsage(this.config.dataDir);
    this.hooks.setDiskFull(usage >= this.config.diskRejectRatio ? usage : undefined);
    return usage;
  }

  private async clean(now: number): Promise<void> {
    let usage = await this.checkDisk();
    const atHour = this.hours.has(new Date(now).getHours());
    const expired = (s: Segment) => now - lastWrite(s) > this.config.fileReservedTimeMs;
    let deleted = 0;
    if (atHour || usage >= this.config.diskCleanRatio) {
      deleted += this.deleteWhile((s) => deleted < MAX_DELETES_PER_RUN && expired(s));
    }
    while (usage >= this.config.diskForceCleanRatio && deleted < MAX_DELETES_PER_RUN) {
      const removed = this.deleteWhile((_s, i) => i === 0);
      if (removed === 0) break;
      deleted += removed;
      usage = await this.checkDisk();
    }
    if (deleted > 0) {
      this.hooks.afterDelete(this.commitLog.minOffset);
      this.config.logger.info('retention deleted commit-log segments', {
        deleted,
        minOffset: this.commitLog.minOffset,
        usage,
      });
      await this.checkDisk();
    }
  }

  private deleteWhile(predicate: (segment: Segment, index: number) => boolean): number {
    let index = 0;
    return this.commitLog.deleteSegments((s) => predicate(s, index++)).length;
  }
}

function lastWrite(segment: Segment): number {
  try {
    return statSync(segment.path).mtimeMs;
  } catch {
    return Date.now();
  }
}
