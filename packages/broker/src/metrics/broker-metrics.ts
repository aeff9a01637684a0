import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MessageStore } from '@rocketnest/store';
import type { ConsumerManager } from '../client/consumer-manager';
import type { TopicConfigManager } from '../topic/topic-config-manager';
import { committedLag, retainedMessages } from './backlog';

/** What the metrics read from the broker when scraped. */
export interface MetricsSources {
  store: MessageStore;
  topics: TopicConfigManager;
  consumers: ConsumerManager;
  connections(): number;
  heldPulls(): number;
}

interface Traffic {
  messages: number;
  bytes: number;
}

/** Upper bounds (seconds) of the put-duration buckets: 100 µs to 2.5 s. */
const PUT_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

let processMetrics: Registry | undefined;

/**
 * prom-client's default process metrics (CPU, memory, event-loop lag, GC), in one registry per
 * process: they install process-wide observers that are never removed, so one set serves every
 * broker of the process instead of one set per broker kept alive forever.
 */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

/**
 * The broker's Prometheus metrics (RocketMQ's exporter covers the same ground: put and get rates
 * per topic and group, consumer lag, disk). The request path only adds to plain counters and
 * one histogram; lag, retained messages and disk figures are computed when scraped.
 */
export class BrokerMetrics {
  readonly registry = new Registry();
  private readonly puts = new Map<string, Traffic>();
  /** Keyed by group and topic. */
  private readonly gets = new Map<string, Traffic & { group: string; topic: string }>();
  private readonly putDuration: Histogram;
  private sources: MetricsSources | undefined;

  constructor() {
    const registers = [this.registry];
    // collect() callbacks get the metric as `this`; they reach the broker through this arrow.
    const sources = () => this.sources;
    type Samples = [Record<string, string>, number][];
    // Counters kept as plain numbers on the request path, copied into the metric when scraped.
    const mirrored = (name: string, help: string, labelNames: string[], values: () => Samples) =>
      new Counter({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          for (const [labels, value] of values()) this.inc(labels, value);
        },
      });
    const puts = (pick: (t: Traffic) => number) => (): Samples =>
      [...this.puts].map(([topic, t]) => [{ topic }, pick(t)]);
    const gets = (pick: (t: Traffic) => number) => (): Samples =>
      [...this.gets.values()].map((t) => [{ group: t.group, topic: t.topic }, pick(t)]);
    const messages = (t: Traffic) => t.messages;
    const bytes = (t: Traffic) => t.bytes;
    mirrored(
      'rocketnest_broker_messages_put_total',
      'Messages stored, by topic (retries and DLQ included under their own topics).',
      ['topic'],
      puts(messages),
    );
    mirrored(
      'rocketnest_broker_bytes_put_total',
      'Message body bytes stored, by topic.',
      ['topic'],
      puts(bytes),
    );
    mirrored(
      'rocketnest_broker_messages_got_total',
      'Messages delivered to consumers by pull requests, by group and topic.',
      ['group', 'topic'],
      gets(messages),
    );
    mirrored(
      'rocketnest_broker_bytes_got_total',
      'Stored record bytes delivered to consumers, by group and topic.',
      ['group', 'topic'],
      gets(bytes),
    );
    this.putDuration = new Histogram({
      name: 'rocketnest_broker_put_duration_seconds',
      help: 'Time from a send request being handled to its answer (under sync flush, fdatasync included).',
      buckets: PUT_BUCKETS,
      registers,
    });
    mirrored(
      'rocketnest_store_flushes_total',
      'fdatasync rounds of the CommitLog since the broker started.',
      [],
      () => [[{}, sources()?.store.commitLogStats.flushes ?? 0]],
    );
    this.defineScrapeGauges(registers);
  }

  /** Connects the scrape-time gauges to a started broker. */
  attach(sources: MetricsSources): void {
    this.sources = sources;
  }

  /** Lets go of the broker when it closes. */
  detach(): void {
    this.sources = undefined;
  }

  /** A send request stored `messages` messages of `bytes` body bytes; it began at `startedAt`. */
  recordPut(topic: string, messages: number, bytes: number, startedAt: number): void {
    let t = this.puts.get(topic);
    if (!t) this.puts.set(topic, (t = { messages: 0, bytes: 0 }));
    t.messages += messages;
    t.bytes += bytes;
    this.putDuration.observe((performance.now() - startedAt) / 1000);
  }

  /** A pull delivered `messages` records of `bytes` bytes. */
  recordGet(group: string, topic: string, messages: number, bytes: number): void {
    const key = `${group}\u0000${topic}`;
    let t = this.gets.get(key);
    if (!t) this.gets.set(key, (t = { group, topic, messages: 0, bytes: 0 }));
    t.messages += messages;
    t.bytes += bytes;
  }

  /** Drops the series of topics deleted since they were counted (DELETE_TOPIC, `topic delete`). */
  private forgetDeletedTopics(): void {
    const topics = this.sources?.topics;
    if (!topics) return;
    for (const topic of this.puts.keys()) if (!topics.select(topic)) this.puts.delete(topic);
    for (const [key, t] of this.gets) if (!topics.select(t.topic)) this.gets.delete(key);
  }

  /** The text exposition of every metric: the process's, then the broker's. */
  async metrics(): Promise<string> {
    this.forgetDeletedTopics();
    return (await processRegistry().metrics()) + (await this.registry.metrics());
  }

  private defineScrapeGauges(registers: Registry[]): void {
    // collect() callbacks get the metric as `this`; they reach the broker through this arrow.
    const sources = () => this.sources;
    const gauge = (
      name: string,
      help: string,
      labelNames: string[],
      collect: (g: Gauge, s: MetricsSources) => void | Promise<void>,
    ) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          this.reset();
          const s = sources();
          if (s) await collect(this, s);
        },
      });
    gauge(
      'rocketnest_consumer_lag_messages',
      'Messages stored but not yet committed by the group, summed over the queues of the topic.',
      ['group', 'topic'],
      (g, { store }) => {
        for (const { group, topic, queues } of store.consumerOffsets.entries()) {
          g.set({ group, topic }, committedLag(store, topic, queues));
        }
      },
    );
    gauge(
      'rocketnest_consumer_clients',
      'Online consumer clients (heartbeating) per group.',
      ['group'],
      (g, { consumers }) => {
        for (const group of consumers.groupNames()) {
          g.set({ group }, consumers.group(group)?.channels.size ?? 0);
        }
      },
    );
    gauge(
      'rocketnest_topic_messages',
      'Messages retained per topic (max minus min offset over its queues).',
      ['topic'],
      (g, { store, topics }) => {
        for (const { topicName } of topics.all()) {
          g.set({ topic: topicName }, retainedMessages(store, topicName));
        }
      },
    );
    gauge(
      'rocketnest_store_disk_usage_ratio',
      'Used share of the file system holding the data dir (what retention and the reject ratio act on).',
      [],
      async (g, { store }) => g.set(await store.diskUsage()),
    );
    gauge(
      'rocketnest_store_rejecting_writes',
      '1 while sends are refused because disk usage is above diskRejectRatio.',
      [],
      (g, { store }) => g.set(store.rejectingWrites ? 1 : 0),
    );
    gauge(
      'rocketnest_store_commitlog_bytes',
      'Bytes of CommitLog retained (newest offset minus oldest).',
      [],
      (g, { store }) => g.set(store.maxPhysicalOffset - store.minPhysicalOffset),
    );
    gauge('rocketnest_broker_connections', 'Open client connections.', [], (g, s) =>
      g.set(s.connections()),
    );
    gauge('rocketnest_broker_held_pulls', 'Pull requests held by long polling.', [], (g, s) =>
      g.set(s.heldPulls()),
    );
  }
}
