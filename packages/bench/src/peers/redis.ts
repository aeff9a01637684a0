import Redis from 'ioredis';
import type { Channel, Driver, ScenarioKind, Subscription } from './driver';
import { uniqueName } from './names';
import { pidByName } from './proc';

const REDIS = { host: '127.0.0.1', port: 6379 };
const READ_COUNT = 500;

/** Redis Streams through ioredis: XADD, XREADGROUP into consumer groups, XACK. */
export class RedisDriver implements Driver {
  readonly system = 'Redis Streams (ioredis)';
  readonly scenarios: readonly ScenarioKind[] = [
    'produce',
    'produceBatch',
    'latency',
    'fanout',
    'catchUp',
  ];
  private redis?: Redis;
  private persistence = '?';
  private version = '?';

  get config(): string {
    return (
      `redis-server ${this.version} at ${REDIS.host}:${REDIS.port}, ${this.persistence}; ` +
      `XADD acknowledged from memory, XREADGROUP COUNT ${READ_COUNT} BLOCK 100 per group ` +
      `(one connection each), XACK per read; batches as one pipeline of XADDs`
    );
  }

  get guarantee(): string | undefined {
    return this.persistence.startsWith('appendonly no')
      ? 'in memory only here (no AOF): a restart loses the stream'
      : undefined;
  }

  async open(): Promise<void> {
    this.redis = new Redis(REDIS);
    const [, aof] = (await this.redis.config('GET', 'appendonly')) as string[];
    const [, save] = (await this.redis.config('GET', 'save')) as string[];
    this.persistence = `appendonly ${aof}, save "${save ?? ''}"`;
    const info = await this.redis.info('server');
    this.version = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
  }

  async channel(groups: number): Promise<Channel> {
    const redis = this.redis!;
    const key = uniqueName('bench:stream');
    const names = Array.from({ length: groups }, () => uniqueName('group'));
    for (const group of names) await redis.xgroup('CREATE', key, group, '0', 'MKSTREAM');
    return {
      send: async (body) => {
        await redis.xadd(key, '*', 'd', body);
      },
      sendBatch: async (bodies) => {
        const pipeline = redis.pipeline();
        for (const body of bodies) pipeline.xadd(key, '*', 'd', body);
        const results = await pipeline.exec();
        const failed = results?.find(([err]) => err);
        if (failed) throw failed[0]!;
      },
      consume: (group, onMessage) => consume(key, names[group]!, onMessage),
      destroy: async () => {
        await redis.del(key);
      },
    };
  }

  serverPid(): number | undefined {
    return pidByName('redis-server');
  }

  async close(): Promise<void> {
    this.redis?.disconnect();
  }
}

type Entry = [Buffer, Buffer[]];
type ReadReply = [Buffer, Entry[]][] | null;

async function consume(
  key: string,
  group: string,
  onMessage: (body: Buffer) => void,
): Promise<Subscription> {
  const conn = new Redis(REDIS);
  let running = true;
  const loop = (async () => {
    while (running) {
      const reply = (await conn.callBuffer('XREADGROUP', [
        'GROUP',
        group,
        'c1',
        'COUNT',
        READ_COUNT,
        'BLOCK',
        100,
        'STREAMS',
        key,
        '>',
      ])) as ReadReply;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) continue;
      for (const [, fields] of entries) onMessage(fields[1]!);
      await conn.xack(key, group, ...entries.map(([id]) => id));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      conn.disconnect();
    },
  };
}
