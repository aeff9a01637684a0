import type { Broker } from './broker';

export interface RunUntilSignalOptions {
  /** Signals that stop the broker. Default SIGTERM and SIGINT. */
  signals?: NodeJS.Signals[];
  /** Ends the process; replaceable in tests. Default `process.exit`. */
  exit?: (code: number) => void;
}

/**
 * Starts `broker` (unless started) and closes it on the first SIGTERM/SIGINT, then exits 0 (1 if
 * closing failed). A second signal while closing exits 1 at once. For CLIs and containers.
 * Resolves with the listen port once started.
 */
export async function runBrokerUntilSignal(
  broker: Broker,
  options: RunUntilSignalOptions = {},
): Promise<number> {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const port = await broker.start();
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      exit(1);
      return;
    }
    stopping = true;
    broker.close().then(
      () => {
        for (const s of signals) process.off(s, onSignal);
        exit(0);
      },
      (err: unknown) => {
        process.stderr.write(`broker close after ${signal} failed: ${String(err)}\n`);
        exit(1);
      },
    );
  };
  for (const s of signals) process.on(s, onSignal);
  return port;
}
