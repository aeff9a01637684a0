/**
 * Scenario names of the peers comparison. Other suites measuring the same scenario (the Nest
 * transport suite) use these so their rows line up in the table, the JSON and the charts.
 */
export const SCENARIO = {
  produce: 'produce 1 KiB durable, single sends (256 in flight)',
  produceBatch: 'produce 1 KiB durable, batches of 32 (16 in flight)',
  latency: 'end-to-end latency at 10,000 msg/s',
  fanout: 'fan-out: 1 topic, 4 consumer groups (deliveries/s)',
  catchUp: (backlog: number) => `catch-up: drain a backlog of ${backlog.toLocaleString('en-US')}`,
  limits: 'physical limits: 1 KiB records/payloads on this machine',
  memory: (backlog: number) => `server RSS after storing ${backlog.toLocaleString('en-US')}`,
} as const;

/** System names the targets compare. */
export const SYSTEM = {
  rocketnest: 'rocketnest',
  rocketnestNest: 'rocketnest Nest transport',
  rabbitmq: 'RabbitMQ (amqplib, confirms)',
  nestRmq: 'Nest RMQ transport (RabbitMQ)',
  jetstream: 'NATS JetStream (nats.js, file)',
} as const;
