import { join } from 'node:path';
import type { TopicConfig } from '@rocketnest/protocol';
import { readJsonFile, writeJsonFileAtomic } from './json-file';

interface TopicFile {
  topicConfigTable: Record<string, TopicConfig>;
  dataVersion: { timestamp: number; counter: number };
}

/** Topic configurations, persisted atomically on every change (changes are rare). */
export class TopicConfigStore {
  private readonly table = new Map<string, TopicConfig>();
  private version = { timestamp: Date.now(), counter: 0 };
  private readonly path: string;

  constructor(configDir: string) {
    this.path = join(configDir, 'topics.json');
  }

  load(): void {
    const file = readJsonFile<TopicFile>(this.path);
    for (const [name, config] of Object.entries(file?.topicConfigTable ?? {}))
      this.table.set(name, config);
    if (file?.dataVersion) this.version = file.dataVersion;
  }

  get(topic: string): TopicConfig | undefined {
    return this.table.get(topic);
  }

  all(): TopicConfig[] {
    return [...this.table.values()];
  }

  /** Changes when any topic changes; brokers send it to the name server. */
  get dataVersion(): { timestamp: number; counter: number } {
    return { ...this.version };
  }

  put(config: TopicConfig): void {
    this.table.set(config.topicName, config);
    this.bump();
  }

  delete(topic: string): boolean {
    const existed = this.table.delete(topic);
    if (existed) this.bump();
    return existed;
  }

  private bump(): void {
    this.version = { timestamp: Date.now(), counter: this.version.counter + 1 };
    writeJsonFileAtomic(this.path, {
      topicConfigTable: Object.fromEntries(this.table),
      dataVersion: this.version,
    });
  }
}
