import { printTable, type Row } from './report';
import { runProtocol } from './suites/protocol';
import { runStore } from './suites/store';
import { runBroker } from './suites/broker';
import { runClient } from './suites/client';

type Suite = (durationMs: number) => Promise<Row[]>;

const SUITES: Record<string, Suite> = {
  protocol: runProtocol,
  store: runStore,
  broker: runBroker,
  client: runClient,
};

async function main(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const names = argv.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !(n in SUITES));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown bench suite(s): ${unknown.join(', ')}; available: ${Object.keys(SUITES).join(', ')}\n`,
    );
    process.exit(2);
  }
  const selected = names.length > 0 ? names : Object.keys(SUITES);
  const durationMs = quick ? 300 : 2000;
  const rows: Row[] = [];
  for (const name of selected) {
    process.stderr.write(`bench: running ${name}${quick ? ' (quick)' : ''}...\n`);
    rows.push(...(await SUITES[name]!(durationMs)));
  }
  process.stdout.write(
    `\nrocketnest benchmarks, node ${process.version}, ${new Date().toISOString()}\n\n`,
  );
  printTable(rows);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
