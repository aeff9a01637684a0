import {
  LitePullConsumer,
  Producer,
  type LitePullConsumerOptions,
  type ProducerOptions,
} from '@rocketnest/client';
import { REQUEST_TIMEOUT_MS, type ClientFlags } from './client-options';
import { withClient } from './session';

/** The producer group the CLI sends as. */
export const CLI_PRODUCER_GROUP = 'rocketnest-cli';

export function withProducer<T>(
  flags: ClientFlags,
  options: Omit<ProducerOptions, 'nameServer'>,
  fn: (producer: Producer) => Promise<T>,
): Promise<T> {
  return withClient(
    flags,
    async (nameServer) => {
      const producer = new Producer({
        group: CLI_PRODUCER_GROUP,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        ...options,
        nameServer,
      });
      await producer.start();
      return producer;
    },
    (p) => p.shutdown(),
    fn,
  );
}

export function withPullConsumer<T>(
  flags: ClientFlags,
  options: Omit<LitePullConsumerOptions, 'nameServer'>,
  fn: (consumer: LitePullConsumer) => Promise<T>,
): Promise<T> {
  return withClient(
    flags,
    async (nameServer) => {
      const consumer = new LitePullConsumer({
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        ...options,
        nameServer,
      });
      await consumer.start();
      return consumer;
    },
    (c) => c.shutdown(),
    fn,
  );
}
