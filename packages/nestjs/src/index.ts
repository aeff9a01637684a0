export { ROCKETMQ_TRANSPORT } from './constants';
export { RocketMQServer, type RocketMQServerClients } from './server/rocketmq.server';
export type {
  RocketMQServerOptions,
  RocketMQHandlerExtras,
} from './server/rocketmq-server.options';
export type { RocketMQServerEvents, RocketMQStatus } from './server/rocketmq-server.events';
export { RocketMQContext } from './ctx-host/rocketmq.context';
export { RocketMQDeadLetterException } from './errors/rocketmq-dead-letter.exception';
export { RocketMQConfigurationError } from './errors/rocketmq-configuration.error';
export { ClientRocketMQ, type RocketMQClientStatus } from './client/client-rocketmq';
export type { ClientRocketMQOptions } from './client/client-rocketmq.options';
export {
  RocketMQRecord,
  RocketMQRecordBuilder,
  type RocketMQRecordOptions,
} from './client/rocketmq-record.builder';
export { RocketMQRequestDeserializer } from './serializers/rocketmq-request.deserializer';
export {
  RocketMQResponseSerializer,
  type RocketMQReply,
} from './serializers/rocketmq-response.serializer';
export { RocketMQRequestSerializer } from './serializers/rocketmq-request.serializer';
export { RocketMQResponseDeserializer } from './serializers/rocketmq-response.deserializer';
export { RocketMQModule } from './module/rocketmq.module';
export type {
  RocketMQModuleOptions,
  RocketMQModuleAsyncOptions,
} from './module/rocketmq-module.options';
export { InjectProducer, getProducerToken } from './module/inject-producer.decorator';
export {
  RocketMQHealthIndicator,
  type RocketMQHealthOptions,
  type RocketMQHealthResult,
  type RocketMQLagCheck,
} from './health/rocketmq.health';
export * from './idempotency';
export * from './streams';
