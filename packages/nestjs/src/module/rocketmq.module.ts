import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { Producer, type ProducerOptions } from '@rocketnest/client';
import { RocketMQHealthIndicator } from '../health/rocketmq.health';
import { getProducerToken } from './inject-producer.decorator';
import { ProducerLifecycle } from './producer-lifecycle';
import type { RocketMQModuleAsyncOptions, RocketMQModuleOptions } from './rocketmq-module.options';

/**
 * Provides a started `Producer` (`@InjectProducer(name?)`) and, for the unnamed registration,
 * `RocketMQHealthIndicator`. Register it once per producer: `forRoot({ name: 'audit', ... })`.
 */
@Module({})
export class RocketMQModule {
  static forRoot(options: RocketMQModuleOptions): DynamicModule {
    const { name, isGlobal, ...producerOptions } = options;
    return RocketMQModule.forRootAsync({ name, isGlobal, useFactory: () => producerOptions });
  }

  static forRootAsync(options: RocketMQModuleAsyncOptions): DynamicModule {
    const token = getProducerToken(options.name);
    const optionsToken = `${token}:options`;
    const providers: Provider[] = [
      { provide: optionsToken, useFactory: options.useFactory, inject: options.inject ?? [] },
      // Started while the app is built, so it is ready before any onModuleInit uses it.
      { provide: token, useFactory: startProducer, inject: [optionsToken] },
      {
        provide: `${token}:lifecycle`,
        useFactory: (producer: Producer) => new ProducerLifecycle(producer),
        inject: [token],
      },
    ];
    const exports: DynamicModule['exports'] = [token];
    if (options.name === undefined) {
      providers.push({
        provide: RocketMQHealthIndicator,
        useFactory: (o: ProducerOptions) =>
          new RocketMQHealthIndicator({ nameServer: o.nameServer }),
        inject: [optionsToken],
      });
      exports.push(RocketMQHealthIndicator);
    }
    return {
      module: RocketMQModule,
      global: options.isGlobal ?? true,
      imports: options.imports ?? [],
      providers,
      exports,
    };
  }
}

async function startProducer(options: ProducerOptions): Promise<Producer> {
  const producer = new Producer(options);
  await producer.start();
  return producer;
}
