// A Nest 12 (ESM-only) microservice on the RocketMQ transport, in plain JavaScript: decorators are
// applied with Reflect.decorate, as TypeScript's compiled output does. The test copies this file
// next to a node_modules holding the built @rocketnest/nestjs (see nest12.spec.ts), so both this
// file and the transport resolve @nestjs/* 12 from test/nest12/node_modules.
// Env: NAMESRV, EVENT_TOPIC, REQUEST_TOPIC, GROUP. Prints "SMOKE OK ..." and exits 0 on success.
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { ClientRocketMQ, RocketMQServer } from '@rocketnest/nestjs';
import { firstValueFrom, lastValueFrom } from 'rxjs';

const { NAMESRV, EVENT_TOPIC, REQUEST_TOPIC, GROUP } = process.env;
let resolveEvent;
const eventReceived = new Promise((resolve) => (resolveEvent = resolve));

class SmokeController {
  onEvent(data, ctx) {
    resolveEvent({ data, topic: ctx.getTopic(), msgId: ctx.getMsgId() });
  }

  add(numbers) {
    return Promise.resolve(numbers.reduce((a, b) => a + b, 0));
  }
}

/** A method decorator from a parameter decorator at `index`. */
const param = (index, decorator) => (target, key) => decorator(target, key, index);
const decorateMethod = (decorators, name) =>
  Reflect.decorate(
    decorators,
    SmokeController.prototype,
    name,
    Object.getOwnPropertyDescriptor(SmokeController.prototype, name),
  );
decorateMethod([EventPattern(EVENT_TOPIC), param(0, Payload()), param(1, Ctx())], 'onEvent');
decorateMethod([MessagePattern(REQUEST_TOPIC), param(0, Payload())], 'add');
Reflect.decorate([Controller()], SmokeController);

class AppModule {}
Reflect.decorate([Module({ controllers: [SmokeController] })], AppModule);

/** The version of the @nestjs/microservices that `from` resolves (its exports hide package.json). */
const nestVersionFrom = (from) => {
  const entry = createRequire(from).resolve('@nestjs/microservices');
  return JSON.parse(readFileSync(join(dirname(entry), 'package.json'), 'utf8')).version;
};
const versions = {
  app: nestVersionFrom(import.meta.url),
  transport: nestVersionFrom(import.meta.resolve('@rocketnest/nestjs')),
};

const app = await NestFactory.createMicroservice(AppModule, {
  strategy: new RocketMQServer({ nameServer: NAMESRV, group: GROUP }),
  logger: ['error'],
});
await app.listen();
const client = new ClientRocketMQ({ nameServer: NAMESRV });
try {
  const sent = await lastValueFrom(client.emit(EVENT_TOPIC, { hello: 'nest12' }));
  const event = await eventReceived;
  if (event.msgId !== sent.msgId || event.data.hello !== 'nest12') {
    throw new Error(`unexpected event ${JSON.stringify(event)}`);
  }
  const sum = await firstValueFrom(client.send(REQUEST_TOPIC, [20, 22]));
  console.log(
    `SMOKE OK event=${event.data.hello} reply=${sum} nest=${versions.app} transportNest=${versions.transport}`,
  );
} finally {
  await client.close();
  await app.close();
}
