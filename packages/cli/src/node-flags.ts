/**
 * Node (V8) flags for processes that must keep pauses short, the broker first of all: a young
 * generation of at most 4 MiB per semi-space, and garbage collection on the main thread only.
 *
 * Why: on the 2-core benchmark machine, with the broker and an application sharing the cores,
 * V8's defaults let the young generation grow to 16 MiB per semi-space and run collections on
 * helper threads that take the other process's core. Send-to-listener p99 at 10,000 msg/s (app
 * with Node's defaults) was 1.4-2.1 ms with the broker on these flags and 3.2-4.6 ms with the
 * broker on Node's defaults (four runs each, 2026-11-24). The broker's heap is small (messages live
 * in files and off-heap buffers), so a small young generation costs it little.
 *
 * An application needs them less: in its own process at a steady 10,000 msg/s, p99 was the same
 * with and without them (1.0-2.6 ms). See docs/operations.md#sizing-cpu-latency-throughput.
 *
 * `bin/rocketnest.js` starts node with these flags (its `#!` line); `npm start` and the
 * benchmarks pass them when they start the broker and the sample app. They must be given at
 * start-up: V8 refuses `--single-threaded-gc` in NODE_OPTIONS, and changing it later from
 * `v8.setFlagsFromString` crashes the process.
 */
export const LOW_PAUSE_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=4',
  '--single-threaded-gc',
];
