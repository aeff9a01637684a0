import { RemotingError, ResponseCode } from '@rocketnest/protocol';

/** Base class of store errors; `code` is the response code a broker should answer with. */
export class StoreError extends RemotingError {}

/** The message body or properties are larger than the store accepts. */
export class MessageTooLargeError extends StoreError {
  constructor(size: number, max: number) {
    super(
      `message body of ${size} bytes exceeds the maximum message size of ${max} bytes`,
      ResponseCode.MESSAGE_ILLEGAL,
    );
  }
}

/** Disk usage is above the reject threshold: writes fail, reads continue. */
export class DiskFullError extends StoreError {
  constructor(usage: number, threshold: number, dir: string) {
    super(
      `disk usage ${(usage * 100).toFixed(1)}% of ${dir} is above the reject threshold ${(threshold * 100).toFixed(1)}%: ` +
        'new messages are refused until retention frees space',
      ResponseCode.SERVICE_NOT_AVAILABLE,
    );
  }
}

/** The store is not running (not started yet, or shutting down). */
export class StoreNotAvailableError extends StoreError {
  constructor(why: string) {
    super(`message store is not available: ${why}`, ResponseCode.SERVICE_NOT_AVAILABLE);
  }
}

/** A sync-flush append was written but its flush did not finish in time. */
export class FlushTimeoutError extends StoreError {
  constructor(
    readonly physicalOffset: number,
    timeoutMs: number,
  ) {
    super(
      `flush of the message at commit-log offset ${physicalOffset} did not finish within ${timeoutMs} ms`,
      ResponseCode.FLUSH_DISK_TIMEOUT,
    );
  }
}

/** An I/O operation failed (EIO, ENOSPC, ...); the message is not stored. */
export class StoreIOError extends StoreError {
  constructor(operation: string, cause: unknown) {
    super(
      `${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      ResponseCode.SERVICE_NOT_AVAILABLE,
    );
  }
}
