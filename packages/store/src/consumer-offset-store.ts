import { join } from 'node:path';
import { readJsonFile, writeJsonFileAtomicAsync } from './json-file';

interface OffsetFile {
  /** "topic@group" -> queueId -> offset, as RocketMQ's consumerOffset.json. */
  offsetTable: Record<string, Record<string, number>>;
}

/**
 * Committed consumer offsets per group, topic and queue. Commits are in memory and persisted
 * atomically every few seconds and on close: a crash may replay a few seconds of messages
 * (at-least-once), never skip any.
 */
export class ConsumerOffsetStore {
  private readonly table = new Map<string, Map<number, number>>();
  private dirty = false;
  private readonly path: string;

  constructor(configDir: string) {
    this.path = join(configDir, 'consumerOffset.json');
  }

  load(): void {
    const file = readJsonFile<OffsetFile>(this.path);
    for (const [key, queues] of Object.entries(file?.offsetTable ?? {})) {
      this.table.set(key, new Map(Object.entries(queues).map(([q, o]) => [Number(q), o])));
    }
  }

  commit(group: string, topic: string, queueId: number, offset: number): void {
    const key = `${topic}@${group}`;
    let queues = this.table.get(key);
    if (!queues) this.table.set(key, (queues = new Map()));
    if (queues.get(queueId) === offset) return;
    queues.set(queueId, offset);
    this.dirty = true;
  }

  query(group: string, topic: string, queueId: number): number | undefined {
    return this.table.get(`${topic}@${group}`)?.get(queueId);
  }

  /** All committed queues of a group on a topic. */
  queues(group: string, topic: string): ReadonlyMap<number, number> {
    return this.table.get(`${topic}@${group}`) ?? new Map();
  }

  /** Every group and topic with committed offsets, with its queues (queueId -> offset). */
  *entries(): IterableIterator<{
    group: string;
    topic: string;
    queues: ReadonlyMap<number, number>;
  }> {
    for (const [key, queues] of this.table) {
      const at = key.indexOf('@');
      yield { topic: key.slice(0, at), group: key.slice(at + 1), queues };
    }
  }

  /** Groups with committed offsets on `topic`. */
  groupsOf(topic: string): string[] {
    const prefix = `${topic}@`;
    return [...this.table.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length));
  }

  /** Topics a group has committed offsets on. */
  topicsOf(group: string): string[] {
    const suffix = `@${group}`;
    return [...this.table.keys()]
      .filter((k) => k.endsWith(suffix))
      .map((k) => k.slice(0, -suffix.length));
  }

  removeTopic(topic: string): void {
    for (const key of [...this.table.keys()]) {
      if (key.startsWith(`${topic}@`)) {
        this.table.delete(key);
        this.dirty = true;
      }
    }
  }

  async persist(): Promise<void> {
    if (!this.dirty) return;
    const offsetTable: OffsetFile['offsetTable'] = {};
    for (const [key, queues] of this.table) offsetTable[key] = Object.fromEntries(queues);
    this.dirty = false;
    try {
      await writeJsonFileAtomicAsync(this.path, { offsetTable });
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }
}
