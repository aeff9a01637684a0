export { Broker } from './broker';
export { BROKER_DEFAULTS, type BrokerOptions, type BrokerConfig } from './broker-options';
export { runBrokerUntilSignal, type RunUntilSignalOptions } from './run-until-signal';
export { defaultAdvertisedAddress } from './advertised-address';
export {
  AUTO_CREATE_TOPIC_KEY_TOPIC,
  RETRY_GROUP_TOPIC_PREFIX,
  DLQ_GROUP_TOPIC_PREFIX,
  retryTopicOf,
  dlqTopicOf,
  replyTopicOf,
  validateTopic,
} from './topic/topic-validator';
export { RebalanceLockManager } from './client/rebalance-lock-manager';
export {
  PullRequestHoldService,
  type HeldPull,
  type WakeReason,
} from './longpolling/pull-request-hold-service';
export {
  GetConsumeStatsRequestHeader,
  GetTopicStatsInfoRequestHeader,
} from './processor/admin-stats-processor';
export type { TopicOffset, OffsetWrapper } from './body/admin-bodies';
