/** Handlers or options that cannot be turned into RocketMQ consumers (thrown by `listen`). */
export class RocketMQConfigurationError extends Error {
  override readonly name = 'RocketMQConfigurationError';
}
