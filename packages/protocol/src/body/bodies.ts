/**
 * JSON bodies of the remoting requests rocketnest serves, typed after the Java classes
 * (RemotingSerializable subclasses). Enums travel by name, sets as arrays.
 */

export type ConsumeType = 'CONSUME_PASSIVELY' | 'CONSUME_ACTIVELY' | 'CONSUME_POP';
export type MessageModel = 'CLUSTERING' | 'BROADCASTING';
export type ConsumeFromWhere =
  | 'CONSUME_FROM_LAST_OFFSET'
  | 'CONSUME_FROM_FIRST_OFFSET'
  | 'CONSUME_FROM_TIMESTAMP'
  | 'CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST'
  | 'CONSUME_FROM_MIN_OFFSET'
  | 'CONSUME_FROM_MAX_OFFSET';
export type ExpressionType = 'TAG' | 'SQL92';

export interface SubscriptionData {
  topic: string;
  subString: string;
  tagsSet: string[];
  codeSet: number[];
  subVersion: number;
  expressionType?: ExpressionType;
  classFilterMode?: boolean;
}

export interface ConsumerData {
  groupName: string;
  consumeType: ConsumeType;
  messageModel: MessageModel;
  consumeFromWhere: ConsumeFromWhere;
  subscriptionDataSet: SubscriptionData[];
  unitMode?: boolean;
}

export interface ProducerData {
  groupName: string;
}

/** HEART_BEAT (34) body. */
export interface HeartbeatData {
  clientID: string;
  producerDataSet: ProducerData[];
  consumerDataSet: ConsumerData[];
}

export interface QueueData {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
}

export interface BrokerData {
  cluster: string;
  brokerName: string;
  /** brokerId -> "host:port"; id 0 is the master. */
  brokerAddrs: Record<string, string>;
}

/** GET_ROUTEINFO_BY_TOPIC (105) response body. */
export interface TopicRouteData {
  orderTopicConf?: string | null;
  queueDatas: QueueData[];
  brokerDatas: BrokerData[];
  filterServerTable: Record<string, string[]>;
}

/** GET_BROKER_CLUSTER_INFO (106) response body. */
export interface ClusterInfo {
  brokerAddrTable: Record<string, BrokerData>;
  clusterAddrTable: Record<string, string[]>;
}

export type TopicFilterType = 'SINGLE_TAG' | 'MULTI_TAG';

export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicFilterType: TopicFilterType;
  topicSysFlag: number;
  order: boolean;
  attributes?: Record<string, string>;
}

export interface DataVersion {
  timestamp: number;
  counter: number;
  stateVersion?: number;
}

/** REGISTER_BROKER (103) body (compressed=false). */
export interface RegisterBrokerBody {
  topicConfigSerializeWrapper: {
    topicConfigTable: Record<string, TopicConfig>;
    dataVersion: DataVersion;
  };
  filterServerList: string[];
}

/** A queue as the client addresses it. */
export interface MessageQueue {
  topic: string;
  brokerName: string;
  queueId: number;
}

/** LOCK_BATCH_MQ (41) / UNLOCK_BATCH_MQ (42) request body. */
export interface LockBatchRequestBody {
  consumerGroup: string;
  clientId: string;
  mqSet: MessageQueue[];
  onlyThisBroker?: boolean;
}

/** LOCK_BATCH_MQ response body: the queues this client now holds. */
export interface LockBatchResponseBody {
  lockOKMQSet: MessageQueue[];
}

/** GET_CONSUMER_LIST_BY_GROUP (38) response body. */
export interface ConsumerListBody {
  consumerIdList: string[];
}

/** GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206) and GET_TOPIC_NAME_LIST bodies. */
export interface TopicList {
  topicList: string[];
  brokerAddr?: string;
}

/** Topic perm/queue counts rocketnest uses when creating system topics (retry, DLQ: one queue). */
export function topicConfig(
  topicName: string,
  queues: number,
  perm = 6,
  order = false,
): TopicConfig {
  return {
    topicName,
    readQueueNums: queues,
    writeQueueNums: queues,
    perm,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order,
  };
}
