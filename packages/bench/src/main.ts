import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printTable, type Row } from './report';
import { machine, writeResults } from './results';
import { markdownSummary, type PeerConfiguration } from './summary';
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

interface SuiteOutput {
  rows: Row[];
  peerConfigurations: PeerConfiguration[];
}

/**
 * Runs one suite in a process of its own (this script with `--suite-out`), as JMH forks per
 * benchmark: a suite then starts from a fresh heap and JIT instead of from what the suites before
 * it left in the process (the store suite alone left 200 MiB of RSS behind it).
 */
function runInChild(name: string, quick: boolean): Promise<SuiteOutput> {
  const dir = mkdtempSync(join(tmpdir(), 'rocketnest-bench-suite-'));
  const out = join(dir, 'rows.json');
  const args = [...process.execArgv, __filename, name, '--suite-out', out];
  if (quick) args.push('--quick');
  return new Promise<SuiteOutput>((resolve, reject) => {
    const child = execFile(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 }, (err) => {
      try {
        if (err) return reject(new Error(`suite ${name} failed: ${err.message}`));
        resolve(JSON.parse(readFileSync(out, 'utf8')) as SuiteOutput);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
    child.stderr!.pipe(process.stderr);
  });
}

async function main(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const outAt = argv.indexOf('--suite-out');
  const names = argv.filter((a, i) => !a.startsWith('--') && (outAt < 0 || i !== outAt + 1));
  const unknown = names.filter((n) => !(n in SUITES));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown bench suite(s): ${unknown.join(', ')}; available: ${Object.keys(SUITES).join(', ')}\n`,
    );
    process.exit(2);
  }
  const selected = names.length > 0 ? names : Object.keys(SUITES);
  const durationMs = quick ? 300 : 2000;
  if (outAt >= 0) {
    // A child of runInChild: one suite, its rows to the file the parent reads.
    const rows = await SUITES[selected[0]!]!(durationMs);
    writeFileSync(argv[outAt + 1]!, JSON.stringify({ rows, peerConfigurations }));
    return;
  }
  const rows: Row[] = [];
  for (const name of selected) {
    process.stderr.write(`bench: running ${name}${quick ? ' (quick)' : ''}...\n`);
    const output = await runInChild(name, quick);
    rows.push(...output.rows);
    if (name === 'peers') peerConfigurations.splice(0, Infinity, ...output.peerConfigurations);
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
