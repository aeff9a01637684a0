#!/usr/bin/env node
// `npm start`: the embedded name server and broker (`rocketnest start`, data in ./.rocketnest),
// then the sample orders app connected to them. Ctrl-C stops the app first (it finishes its
// in-flight messages and commits offsets) and the broker after it.
//
// Arguments go to `rocketnest start` (try `npm start -- --help`); PORT sets the app's HTTP port.
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const READY = /ready; connect clients to name server (\S+)\./;

// Both run with the flags that keep garbage-collection pauses short (src/node-flags.ts of the CLI;
// `npm start` builds before it runs this script).
const { LOW_PAUSE_NODE_FLAGS } = require(join(root, 'packages', 'cli', 'dist', 'node-flags.js'));

// Own process groups, so a terminal's Ctrl-C reaches only this script, which stops them in order.
function run(script, args, env) {
  return spawn(process.execPath, [...LOW_PAUSE_NODE_FLAGS, script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
    env: { ...process.env, ...env },
  });
}

function exited(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

async function stop(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await exited(child);
}

async function main() {
  const cli = join(root, 'packages', 'cli', 'dist', 'main.js');
  const args = process.argv.slice(2);
  // The broker's info logs would bury the app's; `npm start -- --log-level info` shows them.
  if (!args.some((a) => a.startsWith('--log-level'))) args.push('--log-level', 'warn');
  const servers = run(cli, ['start', ...args]);
  let app;
  let stopping = false;
  const shutdown = async (code) => {
    if (stopping) return;
    stopping = true;
    await stop(app);
    await stop(servers);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  let output = '';
  servers.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    if (app) return;
    output += chunk;
    const ready = READY.exec(output);
    if (!ready) return;
    app = run(join(root, 'sample-app', 'dist', 'main.js'), [], {
      ROCKETNEST_NAMESRV: ready[1],
    });
    app.stdout.pipe(process.stdout);
    app.once('exit', (code) => {
      if (!stopping) {
        process.stderr.write(`sample app exited (${code}); stopping the broker\n`);
        void shutdown(code || 1);
      }
    });
  });
  servers.once('exit', (code) => {
    // Before it was ready (`--help`, a usage error): its own output says why.
    if (!app) process.exit(code ?? 1);
    if (!stopping) {
      process.stderr.write(`rocketnest start exited (${code})\n`);
      void shutdown(code || 1);
    }
  });
}

main();
