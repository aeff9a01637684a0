import { readFileSync } from 'node:fs';
import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientProxyFactory,
  Ctx,
  EventPattern,
  Payload,
  type ClientOptions,
  type MicroserviceOptions,
} from '@nestjs/microservices';
import { lastValueFrom, type Observable } from 'rxjs';

export const NEST_VERSION = (
  JSON.parse(readFileSync(require.resolve('@nestjs/microservices/package.json'), 'utf8')) as {
    version: string;
  }
).version;

/** The event pattern every Nest bench handler listens to. */
export const BENCH_PATTERN = 'bench.event';

type OnEvent = (data: string, ctx: unknown) => void;

/** A Nest module with one controller whose @EventPattern handler calls `onEvent`. */
function benchModule(onEvent: OnEvent, pattern: string, extras?: object): new () => unknown {
  @Controller()
  class BenchController {
    @EventPattern(pattern, extras)
    handle(@Payload() data: string, @Ctx() ctx: unknown): void {
      onEvent(data, ctx);
    }
  }
  @Module({ controllers: [BenchController] })
  class BenchModule {}
  return BenchModule;
}

/** A Nest microservice on `options` (a built-in transport), listening until closed. */
export async function startNestListener(
  options: MicroserviceOptions,
  onEvent: OnEvent,
  pattern = BENCH_PATTERN,
  extras?: object,
): Promise<INestMicroservice> {
  const module = benchModule(onEvent, pattern, extras);
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(module, {
    ...options,
    logger: false,
  });
  await app.listen();
  return app;
}

/** The part of a ClientProxy the bench uses (ClientProxy's status generics differ by transport). */
interface Emitter {
  connect(): Promise<unknown>;
  emit(pattern: string, data: unknown): Observable<unknown>;
  close(): unknown;
}

/** A connected ClientProxy and an `emit` resolved when the transport reports the event sent. */
export async function startNestClient(options: ClientOptions | Emitter, pattern = BENCH_PATTERN) {
  const client: Emitter = 'emit' in options ? options : ClientProxyFactory.create(options);
  await client.connect();
  return {
    emit: async (body: Buffer): Promise<void> => {
      await lastValueFrom(client.emit(pattern, body.toString('latin1')), {
        defaultValue: undefined,
      });
    },
    close: async () => {
      await client.close();
    },
  };
}

/** The bytes a Nest handler received, as sent by `startNestClient().emit`. */
export const payloadBytes = (data: string): Buffer => Buffer.from(data, 'latin1');
