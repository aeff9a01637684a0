/** MessageSysFlag bits, carried in send headers and stored records. */
export const MessageSysFlag = {
  COMPRESSED: 0x1,
  MULTI_TAGS: 0x2,
  TRANSACTION_NOT_TYPE: 0,
  TRANSACTION_PREPARED_TYPE: 0x4,
  TRANSACTION_COMMIT_TYPE: 0x8,
  TRANSACTION_ROLLBACK_TYPE: 0xc,
  BORNHOST_V6: 0x10,
  STOREHOST_V6: 0x20,
  NEED_UNWRAP: 0x40,
  INNER_BATCH: 0x80,
  COMPRESSION_LZ4_TYPE: 0x100,
  COMPRESSION_ZSTD_TYPE: 0x200,
  COMPRESSION_ZLIB_TYPE: 0x300,
  COMPRESSION_TYPE_MASK: 0x700,
} as const;

export function transactionType(sysFlag: number): number {
  return sysFlag & MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
}

/** PullSysFlag bits of PULL_MESSAGE's `sysFlag` header. */
export const PullSysFlag = {
  COMMIT_OFFSET: 0x1,
  SUSPEND: 0x2,
  SUBSCRIPTION: 0x4,
  CLASS_FILTER: 0x8,
  LITE_PULL_MESSAGE: 0x10,
} as const;

export function buildPullSysFlag(
  commitOffset: boolean,
  suspend: boolean,
  subscription: boolean,
  classFilter = false,
): number {
  return (
    (commitOffset ? PullSysFlag.COMMIT_OFFSET : 0) |
    (suspend ? PullSysFlag.SUSPEND : 0) |
    (subscription ? PullSysFlag.SUBSCRIPTION : 0) |
    (classFilter ? PullSysFlag.CLASS_FILTER : 0)
  );
}

/** PermName bits of topics and brokers. */
export const Perm = {
  PRIORITY: 8,
  READ: 4,
  WRITE: 2,
  INHERIT: 1,
} as const;

export function isReadable(perm: number): boolean {
  return (perm & Perm.READ) === Perm.READ;
}

export function isWriteable(perm: number): boolean {
  return (perm & Perm.WRITE) === Perm.WRITE;
}

/** RocketMQ's `perm2String`: "RW-" style. */
export function permToString(perm: number): string {
  return `${isReadable(perm) ? 'R' : '-'}${isWriteable(perm) ? 'W' : '-'}${perm & Perm.INHERIT ? 'X' : '-'}`;
}
