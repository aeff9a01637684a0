import { Module, type DynamicModule, type ModuleMetadata, type Provider } from '@nestjs/common';
import type { FactoryProvider } from '@nestjs/common';
import { IdempotencyEvents } from './events';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import {
  IDEMPOTENCY_MODULE_OPTIONS,
  IdempotencyStores,
  type IdempotencyModuleOptions,
} from './idempotency-stores';

export interface IdempotencyModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  // Nest's own factory providers take any[], so an injected ConfigService type-checks.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  useFactory: (...args: any[]) => IdempotencyModuleOptions | Promise<IdempotencyModuleOptions>;
  inject?: FactoryProvider['inject'];
}

/**
 * Global module providing the stores (inject IdempotencyStores), the interceptor used by
 * `@Idempotent()` and the IdempotencyEvents stream to every module of the app.
 */
@Module({})
export class IdempotencyModule {
  static forRoot(options: IdempotencyModuleOptions = {}): DynamicModule {
    return withOptions({ provide: IDEMPOTENCY_MODULE_OPTIONS, useValue: options });
  }

  static forRootAsync(options: IdempotencyModuleAsyncOptions): DynamicModule {
    const optionsProvider: Provider = {
      provide: IDEMPOTENCY_MODULE_OPTIONS,
      useFactory: options.useFactory,
      inject: options.inject ?? [],
    };
    return { ...withOptions(optionsProvider), imports: options.imports ?? [] };
  }
}

function withOptions(optionsProvider: Provider): DynamicModule {
  const exported = [IdempotencyStores, IdempotencyEvents, IdempotencyInterceptor];
  return {
    module: IdempotencyModule,
    global: true,
    providers: [optionsProvider, ...exported],
    exports: exported,
  };
}
