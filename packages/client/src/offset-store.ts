import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  OffsetResponseHeader,
  QueryConsumerOffsetRequestHeader,
  RequestCode,
  ResponseCode,
  UpdateConsumerOffsetRequestHeader,
  createRequest,
  type MessageQueue,
} from '@rocketnest/protocol';
import type { ClientInstance } from './client-instance';
import { MQBrokerError } from './errors';
import { queueKey } from './message';
import { invoke, invokeOk } from './remote';

/** Where a consumer keeps its consumed offsets: on the broker (clustering) or a local file (broadcasting). */
export interface OffsetStore {
  load(): Promise<void>;
  /** Remembers `offset` (only forward unless `increaseOnly` is false). */
  update(mq: MessageQueue, offset: number, increaseOnly?: boolean): void;
  /** The stored offset, -1 when there is none. */
  read(mq: MessageQueue, fromStore: boolean): Promise<number>;
  persist(mqs: readonly MessageQueue[], sync?: boolean): Promise<void>;
  remove(mq: MessageQueue): void;
}

abstract class MemoryOffsets {
  protected readonly table = new Map<string, { mq: MessageQueue; offset: number }>();

  update(mq: MessageQueue, offset: number, increaseOnly = true): void {
    if (offset < 0) return;
    const key = queueKey(mq);
    const current = this.table.get(key);
    if (current && increaseOnly && offset < current.offset) return;
    this.table.set(key, { mq, offset });
  }

  remove(mq: MessageQueue): void {
    this.table.delete(queueKey(mq));
  }

  protected memory(mq: MessageQueue): number | undefined {
    return this.table.get(queueKey(mq))?.offset;
  }
}

/** RemoteBrokerOffsetStore: QUERY_CONSUMER_OFFSET / UPDATE_CONSUMER_OFFSET on the queue's broker. */
export class RemoteBrokerOffsetStore extends MemoryOffsets implements OffsetStore {
  constructor(
    private readonly instance: ClientInstance,
    private readonly group: string,
  ) {
    super();
  }

  async load(): Promise<void> {}

  async read(mq: MessageQueue, fromStore: boolean): Promise<number> {
    const held = this.memory(mq);
    if (!fromStore && held !== undefined) return held;
    const addr = await this.instance.requireMasterAddr(mq.brokerName, mq.topic);
    const request = createRequest(RequestCode.QUERY_CONSUMER_OFFSET, {
      extFields: QueryConsumerOffsetRequestHeader.encode({
        consumerGroup: this.group,
        topic: mq.topic,
        queueId: mq.queueId,
      }),
    });
    const response = await invoke(
      this.instance.remoting,
      addr,
      request,
      this.instance.requestTimeoutMs,
      mq.topic,
    );
    if (response.code === ResponseCode.QUERY_NOT_FOUND) return -1;
    if (response.code !== ResponseCode.SUCCESS) {
      throw new MQBrokerError(response.code, response.remark, addr, mq.topic);
    }
    const offset = OffsetResponseHeader.decode(response.extFields).offset;
    this.update(mq, offset, false);
    return offset;
  }

  async persist(mqs: readonly MessageQueue[], sync = false): Promise<void> {
    await Promise.allSettled(
      mqs.map(async (mq) => {
        const offset = this.memory(mq);
        if (offset === undefined) return;
        const addr = await this.instance.requireMasterAddr(mq.brokerName, mq.topic);
        const request = createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, {
          oneway: !sync,
          extFields: UpdateConsumerOffsetRequestHeader.encode({
            consumerGroup: this.group,
            topic: mq.topic,
            queueId: mq.queueId,
            commitOffset: offset,
          }),
        });
        if (sync)
          await invokeOk(
            this.instance.remoting,
            addr,
            request,
            this.instance.requestTimeoutMs,
            mq.topic,
          );
        else await this.instance.remoting.invokeOneway(addr, request);
      }),
    );
  }
}

/** LocalFileOffsetStore: `<dir>/<instance>/<group>/offsets.json`, written atomically. */
export class LocalFileOffsetStore extends MemoryOffsets implements OffsetStore {
  readonly path: string;

  private writing: Promise<void> = Promise.resolve();

  constructor(dir: string | undefined, instanceName: string, group: string) {
    super();
    this.path = join(
      dir ?? join(homedir(), '.rocketmq_offsets'),
      instanceName,
      group,
      'offsets.json',
    );
  }

  async load(): Promise<void> {
    for (const e of await this.readFile()) this.update(e.mq, e.offset, false);
  }

  /** From the file when `fromStore` (what the last run persisted), else from memory. */
  async read(mq: MessageQueue, fromStore: boolean): Promise<number> {
    if (!fromStore) return this.memory(mq) ?? -1;
    const stored = (await this.readFile()).find((e) => queueKey(e.mq) === queueKey(mq));
    if (!stored) return -1;
    this.update(mq, stored.offset, false);
    return stored.offset;
  }

  private async readFile(): Promise<{ mq: MessageQueue; offset: number }[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      // No file yet: this instance never persisted offsets of the group.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return (JSON.parse(text) as { offsetTable: { mq: MessageQueue; offset: number }[] })
      .offsetTable;
  }

  /**
   * Persists are chained: a periodic persist and the one of `stop()` may overlap, and two writers
   * of one temp file would rename it from under each other (ENOENT) or reorder old over new.
   */
  persist(): Promise<void> {
    const write = this.writing.then(() => this.writeFile());
    this.writing = write.catch(() => undefined);
    return write;
  }

  private async writeFile(): Promise<void> {
    const data = { offsetTable: [...this.table.values()] };
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    await writeFile(tmp, JSON.stringify(data));
    await rename(tmp, this.path);
  }
}
