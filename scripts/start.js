#!/usr/bin/env node
// `npm start`: the embedded name server and broker (`rocketnest start`), data in ./.rocketnest.
// The sample orders app will be started beside them once it exists (issue 8); until then this
// says so rather than pretending. Extra arguments go to `rocketnest start` (try `npm start -- --help`).
const { spawn } = require('node:child_process');
const { join } = require('node:path');

process.stdout.write(
  'rocketnest: the sample orders app is not built yet; starting the name server and broker only.\n',
);
const child = spawn(
  process.execPath,
  [join(__dirname, '..', 'packages', 'cli', 'dist', 'main.js'), 'start', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
// Ctrl-C reaches the child through the terminal's process group; forward SIGTERM too.
process.on('SIGTERM', () => child.kill('SIGTERM'));
process.on('SIGINT', () => undefined);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
