/** What the peer scenarios need from a messaging system: one interface per system under test. */
export type ScenarioKind = 'produce' | 'produceBatch' | 'latency' | 'fanout' | 'catchUp';

/** A consumer started on a channel; `stop` ends it and waits for its loop to finish. */
export interface Subscription {
  stop(): Promise<void>;
}

/** One topic/queue/stream, created with unique names for this run and deleted by `destroy`. */
export interface Channel {
  /** One durable message, resolved when the server acknowledged it. */
  send(body: Buffer): Promise<void>;
  /** Several messages in the system's batch form (or its closest equivalent, see `batchNote`). */
  sendBatch(bodies: Buffer[]): Promise<void>;
  /** Starts consumer group `group` (0-based) from the channel's beginning. */
  consume(group: number, onMessage: (body: Buffer) => void): Promise<Subscription>;
  destroy(): Promise<void>;
}

export interface Driver {
  readonly system: string;
  /** The durability settings used, printed and recorded so the comparison is reproducible. */
  readonly config: string;
  /** Set when the system promises less than a durable, server-acknowledged message. */
  readonly guarantee?: string;
  readonly scenarios: readonly ScenarioKind[];
  open(): Promise<void>;
  /** A fresh channel read by `groups` consumer groups (all created before any send). */
  channel(groups: number): Promise<Channel>;
  /** The server process whose RSS the memory scenario reads. */
  serverPid(): number | undefined;
  close(): Promise<void>;
}
