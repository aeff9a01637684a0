import { randomUUID } from 'node:crypto';
import type * as IoredisModule from 'ioredis';
import type { Redis, RedisOptions } from 'ioredis';
import { IdempotencyConfigError, IdempotencyLeaseLostError } from './errors';
import { loadOptionalPeer } from './optional-peer';
import {
  DEFAULT_RETENTION_MS,
  type Acquisition,
  type IdempotencyLease,
  type IdempotencyStore,
  type IdempotencyStoreOptions,
} from './store';
import { checkKeyPrefix, checkLease, checkRetention, checkScopeAndKey } from './validation';

export interface RedisIdempotencyStoreOptions extends IdempotencyStoreOptions {
  /** An ioredis client the application owns (not closed by the store) ... */
  client?: Redis;
  /** ... or options / a URL for a client the store opens and closes. */
  connection?: RedisOptions | string;
  /** Default `rocketnest:idempotency`. Keys are `<prefix>:<scope, URI-encoded>:<key>`. */
  keyPrefix?: string;
}

// Values are `p:<owner>` (in progress) and `d:<owner>` (done); TTLs are the lease and retention.
const ACQUIRE = `
if redis.call('SET', KEYS[1], 'p:' .. ARGV[1], 'NX', 'PX', ARGV[2]) then return 'acquired' end
local held = redis.call('GET', KEYS[1])
if held and string.sub(held, 1, 2) == 'd:' then return 'duplicate' end
return 'in-progress'`;

const COMPLETE = `
if redis.call('GET', KEYS[1]) ~= 'p:' .. ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('SET', KEYS[1], 'd:' .. ARGV[1])
else redis.call('SET', KEYS[1], 'd:' .. ARGV[1], 'PX', ARGV[2]) end
return 1`;

const RELEASE = `
if redis.call('GET', KEYS[1]) ~= 'p:' .. ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

/**
 * Redis (ioredis): SET NX PX and Lua scripts, each atomic on the server. Expiry is Redis's own
 * TTL, so purge() has nothing to do. Not transactional with the handler's database writes.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  readonly keyPrefix: string;
  private readonly retentionMs: number;
  private readonly client: Redis;
  private readonly ownsClient: boolean;

  constructor(options: RedisIdempotencyStoreOptions) {
    this.keyPrefix = checkKeyPrefix(options.keyPrefix ?? 'rocketnest:idempotency');
    this.retentionMs = checkRetention(options.retentionMs ?? DEFAULT_RETENTION_MS);
    this.ownsClient = !options.client;
    this.client = options.client ?? openClient(options.connection);
  }

  async init(): Promise<void> {
    await this.client.ping();
  }

  async acquire(scope: string, key: string, leaseMs: number): Promise<Acquisition> {
    checkScopeAndKey(scope, key);
    checkLease(leaseMs);
    const owner = randomUUID();
    const status = await this.client.eval(ACQUIRE, 1, this.redisKey(scope, key), owner, leaseMs);
    if (status === 'acquired') return { status, lease: { scope, key, owner } };
    return { status: status === 'duplicate' ? 'duplicate' : 'in-progress' };
  }

  async complete(lease: IdempotencyLease): Promise<void> {
    const retention = Number.isFinite(this.retentionMs) ? String(this.retentionMs) : '';
    const key = this.redisKey(lease.scope, lease.key);
    const done = await this.client.eval(COMPLETE, 1, key, lease.owner, retention);
    if (done !== 1) throw new IdempotencyLeaseLostError(lease.scope, lease.key);
  }

  async release(lease: IdempotencyLease): Promise<boolean> {
    const key = this.redisKey(lease.scope, lease.key);
    return (await this.client.eval(RELEASE, 1, key, lease.owner)) === 1;
  }

  async purge(): Promise<number> {
    return 0;
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.quit();
  }

  /** The scope is URI-encoded so a ":" in it can never make two (scope, key) pairs collide. */
  redisKey(scope: string, key: string): string {
    return `${this.keyPrefix}:${encodeURIComponent(scope)}:${key}`;
  }
}

function openClient(connection: RedisOptions | string | undefined): Redis {
  if (!connection) {
    throw new IdempotencyConfigError('RedisIdempotencyStore needs a client or connection options');
  }
  const { Redis: Client } = loadOptionalPeer<typeof IoredisModule>(
    'ioredis',
    'RedisIdempotencyStore',
  );
  return typeof connection === 'string' ? new Client(connection) : new Client(connection);
}
