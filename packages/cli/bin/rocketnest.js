#!/usr/bin/env -S node --max-semi-space-size=4 --single-threaded-gc
// The flags keep garbage-collection pauses short: see LOW_PAUSE_NODE_FLAGS in src/node-flags.ts.
// The `rocketnest` command. The compiled CLI lives in dist/ (built by `npm run build`, which
// `npm start` and `npm test` run); this file is committed and executable so npm can link it at
// install time, before dist/ exists.
try {
  require('../dist/main.js').main(process.argv);
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('dist/main.js')) {
    process.stderr.write(
      'rocketnest: the CLI is not built yet; run `npm run build` in the repository first\n',
    );
    process.exit(1);
  }
  throw err;
}
