import { SetMetadata, UseInterceptors, applyDecorators } from '@nestjs/common';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IDEMPOTENT_OPTIONS, type IdempotentOptions } from './idempotent-options';

/**
 * Makes a Nest microservice handler idempotent: the first delivery of a business key runs it, a
 * duplicate is acknowledged without running it, a key in progress elsewhere is retried later.
 */
export function Idempotent<P = unknown>(options: IdempotentOptions<P> = {}): MethodDecorator {
  return applyDecorators(
    SetMetadata(IDEMPOTENT_OPTIONS, options),
    UseInterceptors(IdempotencyInterceptor),
  );
}
