import type { Logger } from '@rocketnest/protocol';

/**
 * Runs `fn` every `ms` on an unref'd timer (it never keeps the process alive); a failure is
 * logged and the next run happens anyway. Returns the timer for clearInterval.
 */
export function every(ms: number, fn: () => Promise<unknown>, logger: Logger): NodeJS.Timeout {
  const timer = setInterval(() => {
    fn().catch((err: unknown) => logger.warn('periodic task failed', { err: String(err) }));
  }, ms);
  timer.unref();
  return timer;
}
