import { Perm, topicConfig, type Logger, type TopicConfig } from '@rocketnest/protocol';
import { SCHEDULE_TOPIC, type TopicConfigStore } from '@rocketnest/store';
import {
  AUTO_CREATE_TOPIC_KEY_TOPIC,
  OFFSET_MOVED_EVENT,
  SELF_TEST_TOPIC,
  SYSTEM_TOPIC_PREFIX,
  TRANS_CHECK_MAX_TIME_TOPIC,
  TRANS_HALF_TOPIC,
  TRANS_OP_HALF_TOPIC,
  replyTopicOf,
} from './topic-validator';

export interface TopicConfigManagerOptions {
  clusterName: string;
  brokerName: string;
  autoCreateTopicEnable: boolean;
  defaultTopicQueueNums: number;
  /** Queues of SCHEDULE_TOPIC_XXXX: one per delay level plus the delivery-time queue. */
  scheduleQueueNums: number;
  logger: Logger;
}

/**
 * Topic configs (RocketMQ's TopicConfigManager) over the store's persisted table: the system
 * topics every broker has, creation on send (from the TBW102 template), creation of retry and
 * DLQ topics, and a change callback the broker uses to re-register with its name servers.
 */
export class TopicConfigManager {
  private readonly systemTopics = new Set<string>([
    AUTO_CREATE_TOPIC_KEY_TOPIC,
    SCHEDULE_TOPIC,
    SELF_TEST_TOPIC,
    OFFSET_MOVED_EVENT,
    TRANS_HALF_TOPIC,
    TRANS_OP_HALF_TOPIC,
    TRANS_CHECK_MAX_TIME_TOPIC,
    'BenchmarkTest',
    'RMQ_SYS_TRACE_TOPIC',
  ]);
  private readonly changeListeners: ((topic: string) => void)[] = [];

  constructor(
    private readonly table: TopicConfigStore,
    private readonly options: TopicConfigManagerOptions,
  ) {
    for (const config of this.systemTopicConfigs()) this.systemTopics.add(config.topicName);
  }

  /** Writes the system topics into the table where they are missing or differ. */
  installSystemTopics(): void {
    for (const config of this.systemTopicConfigs()) {
      const current = this.table.get(config.topicName);
      if (!current || JSON.stringify(current) !== JSON.stringify(config)) this.table.put(config);
    }
  }

  /** As TopicConfigManager's constructor: what a 4.9.8 broker creates for itself. */
  private systemTopicConfigs(): TopicConfig[] {
    const { clusterName, brokerName, defaultTopicQueueNums, scheduleQueueNums } = this.options;
    const configs = [
      topicConfig(SELF_TEST_TOPIC, 1),
      topicConfig(OFFSET_MOVED_EVENT, 1),
      topicConfig(SCHEDULE_TOPIC, scheduleQueueNums),
      topicConfig(replyTopicOf(clusterName), 1),
      // The cluster and broker name topics only serve as inheritable templates (perm X only).
      topicConfig(clusterName, 16, Perm.INHERIT),
      topicConfig(brokerName, 1, Perm.INHERIT),
    ];
    if (this.options.autoCreateTopicEnable) {
      configs.push(
        topicConfig(
          AUTO_CREATE_TOPIC_KEY_TOPIC,
          defaultTopicQueueNums,
          Perm.INHERIT | Perm.READ | Perm.WRITE,
        ),
      );
    }
    return configs;
  }

  isSystemTopic(topic: string): boolean {
    return this.systemTopics.has(topic) || topic.startsWith(SYSTEM_TOPIC_PREFIX);
  }

  onChange(listener: (topic: string) => void): void {
    this.changeListeners.push(listener);
  }

  select(topic: string): TopicConfig | undefined {
    return this.table.get(topic);
  }

  all(): TopicConfig[] {
    return this.table.all();
  }

  get dataVersion(): { timestamp: number; counter: number } {
    return this.table.dataVersion;
  }

  /**
   * createTopicInSendMessageMethod: a producer sent to an unknown topic naming `defaultTopic` as
   * template. Only with autoCreateTopicEnable, and only from a template with the inherit perm;
   * queues = min(the producer's default, the template's write queues).
   */
  createOnSend(
    topic: string,
    defaultTopic: string,
    clientQueueNums: number,
  ): TopicConfig | undefined {
    const existing = this.table.get(topic);
    if (existing) return existing;
    if (!this.options.autoCreateTopicEnable) return undefined;
    const template = this.table.get(defaultTopic);
    if (!template || (template.perm & Perm.INHERIT) === 0) {
      this.options.logger.warn(
        'cannot auto-create topic: template topic missing or not inheritable',
        {
          topic,
          defaultTopic,
        },
      );
      return undefined;
    }
    const queues = Math.max(0, Math.min(clientQueueNums, template.writeQueueNums));
    const config: TopicConfig = {
      ...topicConfig(topic, queues, template.perm & ~Perm.INHERIT),
      topicFilterType: template.topicFilterType,
    };
    this.options.logger.info('topic auto-created on send', { topic, defaultTopic, queues });
    return this.put(config);
  }

  /** createTopicInSendMessageBackMethod: retry and DLQ topics, created with `queues` if missing. */
  getOrCreate(topic: string, queues: number, perm: number = Perm.READ | Perm.WRITE): TopicConfig {
    return this.table.get(topic) ?? this.put(topicConfig(topic, queues, perm));
  }

  /** Creates or replaces a topic (UPDATE_AND_CREATE_TOPIC). */
  put(config: TopicConfig): TopicConfig {
    this.table.put(config);
    this.changed(config.topicName);
    return config;
  }

  delete(topic: string, deleteData: (topic: string) => void): void {
    deleteData(topic);
    this.table.delete(topic);
    this.changed(topic);
  }

  private changed(topic: string): void {
    for (const listener of this.changeListeners) listener(topic);
  }
}
