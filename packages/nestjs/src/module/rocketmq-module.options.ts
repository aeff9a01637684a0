import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import type { ProducerOptions } from '@rocketnest/client';

/** Options of `RocketMQModule.forRoot`: one producer. */
export interface RocketMQModuleOptions extends ProducerOptions {
  /** Name of the producer, for several producers: `@InjectProducer('audit')`. Default: unnamed. */
  name?: string;
  /** Register the producer in every module (default true), like TypeOrmModule.forRoot. */
  isGlobal?: boolean;
}

/** Options of `RocketMQModule.forRootAsync`, e.g. built from `ConfigService`. */
export interface RocketMQModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  name?: string;
  isGlobal?: boolean;
  // any[], as Nest's FactoryProvider: the injected values' types are the factory's to declare.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  useFactory: (...args: any[]) => ProducerOptions | Promise<ProducerOptions>;
  inject?: FactoryProvider['inject'];
}
