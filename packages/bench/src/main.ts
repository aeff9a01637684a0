import { printTable, type Row } from './report';
import { machine, writeResults } from './results';
import { markdownSummary } from './summary';
import { checkTargets } from './targets';
import { runProtocol } from './suites/protocol';
import { runStore } from './suites/store';
import { runBroker } from './suites/broker';
import { runClient } from './suites/client';
import { runNestjs } from './suites/nestjs';
import { peerConfigurations, runPeers } from './suites/peers';

type Suite = (durationMs: number) => Promise<Row[]>;

// `peers` compares rocketnest with the systems a Nest user would pick instead; `nestjs` compares
// the rocketnest Nest transport with the raw client it is built on.
const SUITES: Record<string, Suite> = {
  protocol: runProtocol,
  store: runStore,
  broker: runBroker,
  client: runClient,
  nestjs: runNestjs,
  peers: runPeers,
};

/** latest.json, charts and latest.md: written when the peers comparison ran. */
function record(rows: Row[], quick: boolean): void {
  const host = machine(quick ? 'quick' : 'full');
  const targets = checkTargets(rows);
  process.stdout.write(`\ntargets:\n${targets.map((t) => `  ${t}\n`).join('')}`);
  const files = writeResults(rows, host, markdownSummary(rows, host, targets, peerConfigurations));
  process.stdout.write(`\nwritten: ${files.join(', ')}\n`);
}

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
  if (selected.includes('peers')) {
    process.stdout.write('\nconfiguration:\n');
    for (const c of peerConfigurations) process.stdout.write(`  ${c.system}: ${c.config}\n`);
    record(rows, quick);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
