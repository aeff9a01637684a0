import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { IdempotencyConfigError } from './errors';
import { SqliteIdempotencyStore } from './sqlite-store';
import type { IdempotencyStore } from './store';

export interface IdempotencyModuleOptions {
  /** The `default` store. Default: SQLite in `data/idempotency.sqlite`, created on first use. */
  store?: IdempotencyStore;
  /** More stores by name, chosen per handler with `@Idempotent({ store: name })`. */
  stores?: Record<string, IdempotencyStore>;
  /** Default lease of a key held by a running handler, in ms (default 60 000). */
  leaseMs?: number;
}

export const IDEMPOTENCY_MODULE_OPTIONS = Symbol('IDEMPOTENCY_MODULE_OPTIONS');
export const DEFAULT_STORE_NAME = 'default';
export const DEFAULT_LEASE_MS = 60_000;

/** The stores the module was configured with: created up front, closed on app shutdown. */
@Injectable()
export class IdempotencyStores implements OnModuleInit, OnApplicationShutdown {
  readonly leaseMs: number;
  private readonly stores = new Map<string, IdempotencyStore>();

  constructor(@Inject(IDEMPOTENCY_MODULE_OPTIONS) options: IdempotencyModuleOptions) {
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    for (const [name, store] of Object.entries(options.stores ?? {})) this.stores.set(name, store);
    if (options.store) this.stores.set(DEFAULT_STORE_NAME, options.store);
  }

  get(name = DEFAULT_STORE_NAME): IdempotencyStore {
    const store = this.stores.get(name) ?? this.createDefault(name);
    if (!store) {
      throw new IdempotencyConfigError(
        `no idempotency store named "${name}"; IdempotencyModule has: ${[...this.stores.keys()].join(', ') || 'none'}`,
      );
    }
    return store;
  }

  /** Creates the tables at startup, so a misconfigured store fails the app, not a message. */
  async onModuleInit(): Promise<void> {
    await Promise.all([...this.stores.values()].map((store) => store.init()));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.stores.values()].map((store) => store.close()));
  }

  private createDefault(name: string): IdempotencyStore | undefined {
    if (name !== DEFAULT_STORE_NAME) return undefined;
    const store = new SqliteIdempotencyStore();
    this.stores.set(name, store);
    return store;
  }
}
