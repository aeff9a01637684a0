import type { Message } from '@rocketnest/client';

/** Per-message options of `ClientRocketMQ.emit`/`send`. */
export type RocketMQRecordOptions = Pick<
  Message,
  'tags' | 'keys' | 'properties' | 'delayLevel' | 'deliverAt' | 'shardingKey'
>;

/** Data plus RocketMQ message options; build it with `RocketMQRecordBuilder`. */
export class RocketMQRecord<TData = unknown> {
  constructor(
    readonly data: TData,
    readonly options: RocketMQRecordOptions = {},
  ) {}
}

/** Like Nest's `RmqRecordBuilder`: `new RocketMQRecordBuilder(order).setKeys(order.id).build()`. */
export class RocketMQRecordBuilder<TData = unknown> {
  private options: RocketMQRecordOptions = {};

  constructor(private data?: TData) {}

  setData(data: TData): this {
    this.data = data;
    return this;
  }

  setOptions(options: RocketMQRecordOptions): this {
    this.options = { ...this.options, ...options };
    return this;
  }

  /** The tag consumers filter on. */
  setTags(tags: string): this {
    return this.setOptions({ tags });
  }

  /** Business keys, indexed by the broker (query by key) and used for idempotency. */
  setKeys(keys: string | string[]): this {
    return this.setOptions({ keys });
  }

  setProperties(properties: Record<string, string>): this {
    return this.setOptions({ properties: { ...this.options.properties, ...properties } });
  }

  /** Delay level 1..18 of the broker's `messageDelayLevel` (1s 5s 10s 30s 1m ...). */
  setDelayLevel(delayLevel: number): this {
    return this.setOptions({ delayLevel });
  }

  /** Absolute delivery time. */
  setDeliverAt(deliverAt: number | Date): this {
    return this.setOptions({ deliverAt });
  }

  /** Messages with the same sharding key go to the same queue, so orderly handlers see them in order. */
  setShardingKey(shardingKey: string): this {
    return this.setOptions({ shardingKey });
  }

  build(): RocketMQRecord<TData> {
    return new RocketMQRecord(this.data as TData, { ...this.options });
  }
}
