import { Admin, Producer } from '@rocketnest/client';
import { unique, useClientCluster } from '../../../client/test/support/cluster';

export { eventually, unique } from '../../../client/test/support/cluster';

/** A name server + broker for one test file, with a producer and an admin client. */
export function useStreamCluster() {
  const cluster = useClientCluster(1);
  const ctx = { cluster } as { cluster: typeof cluster; producer: Producer; admin: Admin };
  beforeAll(async () => {
    ctx.producer = new Producer({ nameServer: cluster.namesrvAddr, group: unique('PID') });
    await ctx.producer.start();
    ctx.admin = new Admin({ nameServer: cluster.namesrvAddr });
  });
  afterAll(async () => {
    await ctx.producer.shutdown();
    await ctx.admin.close();
  });
  return ctx;
}

/** Sends `count` messages `<prefix><i>` to `topic`, 100 per batch request. */
export async function sendMany(
  producer: Producer,
  topic: string,
  count: number,
  prefix: string,
  padTo = 0,
): Promise<void> {
  for (let i = 0; i < count; i += 100) {
    const batch = Array.from({ length: Math.min(100, count - i) }, (_, j) => ({
      topic,
      body: `${prefix}${i + j}`.padEnd(padTo, '.'),
    }));
    await producer.sendBatch(batch);
  }
}

/** Sum of the offsets `group` committed on `topic`'s queues. */
export async function committed(admin: Admin, group: string, topic: string): Promise<number> {
  const lag = await admin.consumerLag(group, [topic]);
  return lag.filter((q) => q.queue.topic === topic).reduce((n, q) => n + q.consumerOffset, 0);
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
