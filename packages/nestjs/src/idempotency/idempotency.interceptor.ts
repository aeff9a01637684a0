import {
  Inject,
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { defer, from, lastValueFrom, mergeMap, toArray, type Observable } from 'rxjs';
import {
  IdempotencyConfigError,
  IdempotencyKeyInProgressError,
  IdempotencyKeyMissingError,
} from './errors';
import { IdempotencyEvents, type IdempotencyEvent } from './events';
import { IdempotencyStores } from './idempotency-stores';
import { IDEMPOTENT_OPTIONS, type IdempotentOptions } from './idempotent-options';
import { isIdempotencyMessageContext, type IdempotencyMessageContext } from './message-context';
import {
  isTransactional,
  type IdempotencyLease,
  type IdempotencyStore,
  type TransactionalIdempotencyStore,
} from './store';
import { runWithIdempotencyTransaction } from './transaction';

/** One handler invocation, resolved from the execution context. */
interface Delivery {
  scope: string;
  key: string;
  storeName: string;
  store: IdempotencyStore;
  options: IdempotentOptions;
  message: ReturnType<IdempotencyMessageContext['getMessage']>;
}

/** Applied by `@Idempotent()`; see IdempotentOptions for the behaviour. */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    // Explicit tokens: DI must not depend on emitted type metadata (swc, type-only imports).
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(IdempotencyStores) private readonly stores: IdempotencyStores,
    @Inject(IdempotencyEvents) private readonly events: IdempotencyEvents,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.get<IdempotentOptions | undefined>(
      IDEMPOTENT_OPTIONS,
      context.getHandler(),
    );
    if (!options || context.getType() !== 'rpc') return next.handle();
    // The handler's values are collected so they can be produced after the key is done.
    return defer(() => this.handle(this.resolve(context, options), next)).pipe(
      mergeMap((values) => from(values)),
    );
  }

  private async handle(delivery: Delivery, next: CallHandler): Promise<unknown[]> {
    const { store, scope, key } = delivery;
    const acquisition = await store.acquire(
      scope,
      key,
      delivery.options.leaseMs ?? this.stores.leaseMs,
    );
    if (acquisition.status === 'duplicate') {
      this.logger.log(
        `duplicate skipped: key "${key}" (scope "${scope}") msgId ${delivery.message.msgId} topic ${delivery.message.topic}`,
      );
      this.emit('duplicate', delivery);
      return [undefined];
    }
    if (acquisition.status === 'in-progress') {
      this.logger.debug(`in progress elsewhere, retry later: key "${key}" (scope "${scope}")`);
      this.emit('in-progress', delivery);
      throw new IdempotencyKeyInProgressError(scope, key);
    }
    try {
      const values = await this.runHandler(delivery, acquisition.lease, next);
      this.emit('processed', delivery);
      return values;
    } catch (error) {
      await this.release(delivery, acquisition.lease, error);
      throw error;
    }
  }

  /** A failed release only delays the retry until the lease expires: log it, keep the cause. */
  private async release(delivery: Delivery, lease: IdempotencyLease, cause: unknown) {
    try {
      await delivery.store.release(lease);
    } catch (error) {
      this.logger.error(
        `could not release key "${lease.key}" (scope "${lease.scope}"): ${String(error)}`,
      );
    }
    this.emit('released', delivery, cause);
  }

  private async runHandler(
    { store, options }: Delivery,
    lease: IdempotencyLease,
    next: CallHandler,
  ): Promise<unknown[]> {
    const run = () => lastValueFrom(next.handle().pipe(toArray()));
    if (!options.transactional) {
      const values = await run();
      await store.complete(lease);
      return values;
    }
    const transactional = store as TransactionalIdempotencyStore;
    return transactional.completeInTransaction(lease, (tx) =>
      runWithIdempotencyTransaction(tx, run),
    );
  }

  private resolve(context: ExecutionContext, options: IdempotentOptions): Delivery {
    const rpc = context.switchToRpc();
    const messageContext: unknown = rpc.getContext();
    const handlerName = `${context.getClass().name}.${context.getHandler().name}`;
    if (!isIdempotencyMessageContext(messageContext)) {
      throw new IdempotencyConfigError(
        `@Idempotent() on ${handlerName} needs a transport context with getMessage() (RocketMQContext)`,
      );
    }
    const storeName = options.store ?? 'default';
    const store = this.stores.get(storeName);
    if (options.transactional && !isTransactional(store)) {
      throw new IdempotencyConfigError(
        `@Idempotent({ transactional: true }) on ${handlerName} needs a SQL store; store "${storeName}" (${store.constructor.name}) has no transactions`,
      );
    }
    return {
      scope: options.scope ?? defaultScope(messageContext, handlerName),
      key: resolveKey(options, rpc.getData(), messageContext, handlerName),
      storeName,
      store,
      options,
      message: messageContext.getMessage(),
    };
  }

  private emit(type: IdempotencyEvent['type'], delivery: Delivery, error?: unknown): void {
    const { scope, key, storeName, message } = delivery;
    const event: IdempotencyEvent = {
      type,
      scope,
      key,
      store: storeName,
      msgId: message.msgId,
      topic: message.topic,
    };
    this.events.emit(error === undefined ? event : { ...event, error });
  }
}

function defaultScope(context: IdempotencyMessageContext, handlerName: string): string {
  const group = context.getConsumerGroup?.();
  return group ? `${group}:${handlerName}` : handlerName;
}

function resolveKey(
  options: IdempotentOptions,
  payload: unknown,
  context: IdempotencyMessageContext,
  handlerName: string,
): string {
  const message = context.getMessage();
  const key = options.key ? options.key(payload, context) : message.keys[0];
  if (key) return key;
  if (options.fallbackToMsgId) return message.msgId;
  throw new IdempotencyKeyMissingError(
    `message ${message.msgId} on topic ${message.topic} has no idempotency key for ${handlerName}: ` +
      (options.key
        ? 'the key function returned nothing'
        : 'send it with keys, pass @Idempotent({ key }) or allow fallbackToMsgId'),
  );
}
