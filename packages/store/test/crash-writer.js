// Child process for the crash tests: appends numbered messages to a store as fast as it can,
// printing "ACK <cycle> <n>" for each acknowledged append with a synchronous write (so the parent
// sees every line written before a kill -9). Runs the compiled package (npm test builds first).
const { writeSync } = require('node:fs');
const { MessageStore } = require('../dist');

const [dataDir, flushMode, cycle, preallocate, segmentSize] = process.argv.slice(2);

async function main() {
  const store = await MessageStore.open({
    dataDir,
    flushMode,
    commitLogPreallocate: preallocate,
    commitLogSegmentSize: Number(segmentSize),
    consumeQueueUnitsPerFile: 1000,
    indexHashSlots: 256,
    indexEntriesPerFile: 100000,
    persistIntervalMs: 50,
    diskUsage: async () => 0.1,
  });
  writeSync(1, `READY ${store.recovery.truncatedBytes}\n`);
  // Bounded per cycle so twenty cycles stay small on disk; kills land while it is still writing.
  const limit = 4000;
  let n = 0;
  const writer = async () => {
    while (n < limit) {
      const i = n++;
      const text = `${cycle}:${i}:` + 'p'.repeat(200 + ((i * 131) % 1500));
      const r = await store.putMessage({
        topic: 'Crash',
        queueId: i % 4,
        body: Buffer.from(text),
        properties: { KEYS: `${cycle}-${i}` },
      });
      writeSync(1, `ACK ${cycle} ${i} ${r.queueId} ${r.queueOffset}\n`);
    }
  };
  // Several concurrent appenders, so group commits hold many messages.
  await Promise.all([
    writer(),
    writer(),
    writer(),
    writer(),
    writer(),
    writer(),
    writer(),
    writer(),
  ]);
  writeSync(1, 'DONE\n');
  setInterval(() => undefined, 1000);
}

main().catch((err) => {
  writeSync(2, `crash-writer failed: ${err.stack}\n`);
  process.exit(1);
});
