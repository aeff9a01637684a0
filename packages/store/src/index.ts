export * from './config';
export type { Preallocation } from './segment-allocator';
export * from './errors';
export {
  CommitLog,
  BLANK_MARKER_LENGTH,
  type AppendResult,
  type CommitLogStats,
  type PutStatus,
  type RecoveryReport,
} from './commit-log';
export { ConsumeQueue, CQ_UNIT_SIZE, type CqUnit } from './consume-queue';
export { ConsumerOffsetStore } from './consumer-offset-store';
export { TopicConfigStore } from './topic-config-store';
export { SCHEDULE_TOPIC, deliverTimeOf } from './schedule-service';
export * from './message-store';
