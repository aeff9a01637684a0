/**
 * Node (V8) flags for processes that must keep pauses short, the broker first of all: a young
 * generation of at most 4 MiB per semi-space, and garbage collection on the main thread only.
 *
 * Why: on the 2-core benchmark machine, with the broker and an application sharing the cores,
 * V8's defaults let the young generation grow to 16 MiB per semi-space and run collections on
 * helper threads. The application's helper threads then took the broker's core and the other
 * way round; and with the larger young generation, collections settled now and then into a mode
 * of 3-9 ms pauses that promoted about 1 MB each, against 0.3-1 ms otherwise. Send-to-listener
 * p99 at 10,000 msg/s was 7-9 ms with the defaults and 3.1-4.4 ms with these flags on both
 * processes (5 of 5 runs under 5 ms; with them on only one process, 3.4-6.2 ms). The broker's
 * heap is small (messages live in files and off-heap buffers), so a small young generation costs
 * it little. See docs/operations.md#sizing-cpu-latency-throughput.
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
