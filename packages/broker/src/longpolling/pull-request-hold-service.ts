import type { RemotingConnection } from '@rocketnest/protocol';
import type { ArrivalEvent } from '@rocketnest/store';

/** Why a held pull is being answered. */
export type WakeReason = 'arrival' | 'timeout' | 'shutdown';

/** A pull parked until a matching message arrives in its queue (RocketMQ's PullRequest). */
export interface HeldPull {
  topic: string;
  queueId: number;
  /** The queue offset the client asked for; only arrivals at or after it can satisfy it. */
  offset: number;
  connection: RemotingConnection;
  /** The request's tag filter on the ConsumeQueue tags code. */
  matches(tagsCode: number): boolean;
  /** Answers the pull: re-runs it once (arrival, timeout, shutdown). */
  wake(reason: WakeReason): void;
  /** The client is gone: settle without answering. */
  drop(): void;
}

interface Entry {
  pull: HeldPull;
  timer: NodeJS.Timeout;
}

/**
 * Long polling (RocketMQ's PullRequestHoldService + NotifyMessageArrivingListener). Held pulls
 * are indexed by topic and queue and woken by the store's arrival events, so a held pull answers
 * as soon as a matching message is dispatched rather than on a polling timer. Each pull has its
 * own timeout, and the pulls of a connection are dropped when it closes.
 */
export class PullRequestHoldService {
  private readonly byQueue = new Map<string, Set<Entry>>();
  private readonly byConnection = new Map<RemotingConnection, Set<Entry>>();
  private held = 0;

  /** Pulls currently held (runtime info; tests use it to check nothing leaks). */
  get size(): number {
    return this.held;
  }

  suspend(pull: HeldPull, timeoutMs: number): void {
    const entry: Entry = {
      pull,
      timer: setTimeout(() => this.release(entry, 'timeout'), timeoutMs),
    };
    entry.timer.unref();
    addTo(this.byQueue, queueKey(pull.topic, pull.queueId), entry);
    addTo(this.byConnection, pull.connection, entry);
    this.held++;
  }

  /** Store arrival: wakes the pulls of that queue whose offset and filter the message meets. */
  notifyMessageArriving(event: ArrivalEvent): void {
    const held = this.byQueue.get(queueKey(event.topic, event.queueId));
    if (!held) return;
    for (const entry of [...held]) {
      if (event.queueOffset >= entry.pull.offset && entry.pull.matches(event.tagsCode)) {
        this.release(entry, 'arrival');
      }
    }
  }

  /** A client connection closed: its pulls can no longer be answered. */
  dropConnection(connection: RemotingConnection): void {
    for (const entry of [...(this.byConnection.get(connection) ?? [])]) {
      this.remove(entry);
      entry.pull.drop();
    }
  }

  /** Answers every held pull now (broker shutdown). */
  shutdown(): void {
    for (const entries of [...this.byConnection.values()]) {
      for (const entry of [...entries]) this.release(entry, 'shutdown');
    }
  }

  private release(entry: Entry, reason: WakeReason): void {
    if (!this.remove(entry)) return;
    entry.pull.wake(reason);
  }

  private remove(entry: Entry): boolean {
    const { pull } = entry;
    const key = queueKey(pull.topic, pull.queueId);
    if (!removeFrom(this.byQueue, key, entry)) return false;
    removeFrom(this.byConnection, pull.connection, entry);
    clearTimeout(entry.timer);
    this.held--;
    return true;
  }
}

function queueKey(topic: string, queueId: number): string {
  return `${topic}@${queueId}`;
}

function addTo<K>(map: Map<K, Set<Entry>>, key: K, entry: Entry): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(entry);
}

function removeFrom<K>(map: Map<K, Set<Entry>>, key: K, entry: Entry): boolean {
  const set = map.get(key);
  if (!set?.delete(entry)) return false;
  if (set.size === 0) map.delete(key);
  return true;
}
