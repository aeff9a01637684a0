#!/usr/bin/env node
// `npm start` will run the embedded name server, broker and sample app. The broker and the
// sample app are not built yet (issues 5 and 8), so this says so instead of pretending.
process.stderr.write(
  'rocketnest: `npm start` is not available yet: the embedded name server, broker and sample app\n' +
    'are still being built (see README.md, "Status"). Nothing was started.\n',
);
process.exit(1);
