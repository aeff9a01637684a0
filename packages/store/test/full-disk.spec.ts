import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResponseCode, type Logger } from '@rocketnest/protocol';
import { StoreIOError, type MessageStore, type MessageStoreOptions } from '../src';
import { tempDir } from '../../../test/support/temp-dir';
import { body, openStore, readQueue } from './helpers';

/** A real full disk: a 4 MiB tmpfs (needs root, as this machine and CI have). */
function mountTmpfs(dir: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const mountPoint = tempDir();
const mounted = mountTmpfs(mountPoint);
if (!mounted) {
  process.stdout.write(
    'skipping the full-disk test: mounting a tmpfs needs root (a skip fails under CI=true)\n',
  );
}

describe('a full disk (ENOSPC on a 4 MiB tmpfs)', () => {
  let store: MessageStore | undefined;

  afterEach(async () => {
    await store?.close().catch(() => undefined);
    store = undefined;
    rmSync(join(mountPoint, 'data'), { recursive: true, force: true });
  });

  afterAll(() => {
    if (mounted) execFileSync('umount', [mountPoint]);
  });

  /**
   * Appends until the disk is full, checks what was acknowledged, frees space, appends again and
   * reopens; `options` selects the flush mode and preallocation.
   */
  async function fillTheDisk(options: Partial<MessageStoreOptions>) {
    const dataDir = join(mountPoint, 'data');
    mkdirSync(dataDir);
    // Ballast takes most of the space, so the store fills what is left quickly.
    const ballast = join(mountPoint, 'ballast');
    writeFileSync(ballast, Buffer.alloc(2 * 1024 * 1024));
    store = await openStore({
      ...options,
      dataDir,
      commitLogSegmentSize: 256 * 1024,
      diskRejectRatio: 1.01,
      diskForceCleanRatio: 1.01,
      diskCleanRatio: 1.01,
    });
    const acked: string[] = [];
    let failure: unknown;
    for (let i = 0; i < 5000 && !failure; i++) {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, j) =>
          store!.putMessage({
            topic: 'Full',
            queueId: 0,
            body: body(`m${i}-${j}`, 1000),
            properties: {},
          }),
        ),
      );
      for (const [j, r] of results.entries()) {
        if (r.status === 'fulfilled') acked.push(`m${i}-${j}`);
        else failure = r.reason;
      }
    }
    expect(failure).toBeInstanceOf(StoreIOError);
    expect((failure as StoreIOError).code).toBe(ResponseCode.SERVICE_NOT_AVAILABLE);
    expect((failure as Error).message).toMatch(/ENOSPC/);
    expect(acked.length).toBeGreaterThan(100);

    // Reads continue, and nothing acknowledged is missing or out of order.
    const stored = (await readQueue(store, 'Full', 0)).map((m) =>
      m.body.toString().replace(/\.+$/, ''),
    );
    expect(stored).toEqual(acked);

    const crashedAtFailure = tempDir('rocketnest-full-crash-');
    cpSync(dataDir, crashedAtFailure, { recursive: true });

    // Space freed: appends work again, continuing the queue without a hole. The message has the
    // size of the failed ones, so whatever part of the failed batch reached the file before
    // ENOSPC lines up with record boundaries behind it.
    rmSync(ballast);
    const next = await store.putMessage({
      topic: 'Full',
      queueId: 0,
      body: body('after', 1000),
      properties: {},
    });
    expect(next.queueOffset).toBe(acked.length);
    // A crash now (the files as a kill -9 leaves them) and a clean restart both recover exactly
    // what was acknowledged: none of the failed batch's records come back.
    const crashImage = tempDir('rocketnest-full-crash-');
    cpSync(dataDir, crashImage, { recursive: true });
    await store.close();
    store = undefined;
    const recovered = async (dir: string) => {
      const reopened = await openStore({
        ...options,
        dataDir: dir,
        commitLogSegmentSize: 256 * 1024,
      });
      try {
        return (await readQueue(reopened, 'Full', 0)).map((m) =>
          m.body.toString().replace(/\.+$/, ''),
        );
      } finally {
        await reopened.close();
      }
    };
    expect(await recovered(crashedAtFailure)).toEqual(acked);
    expect(await recovered(crashImage)).toEqual([...acked, 'after']);
    expect(await recovered(dataDir)).toEqual([...acked, 'after']);
  }

  (mounted ? it : it.skip)(
    'fails the appends that do not fit with SERVICE_NOT_AVAILABLE, keeps everything acknowledged, and recovers when space frees',
    () => fillTheDisk({}),
  );

  (mounted ? it : it.skip)(
    'with zero-filled segments under sync flush: the zero-fill stops at ENOSPC and appends carry on until the disk is full',
    async () => {
      const warnings: string[] = [];
      const logger: Logger = {
        debug: () => undefined,
        info: () => undefined,
        warn: (message) => warnings.push(message),
        error: () => undefined,
      };
      await fillTheDisk({ flushMode: 'sync', commitLogPreallocate: 'zero', logger });
      expect(warnings).toContain('commit-log zero-fill stopped until the next segment');
    },
  );
});
