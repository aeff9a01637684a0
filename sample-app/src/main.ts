import 'reflect-metadata';
import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { RocketMQServer } from '@rocketnest/nestjs';
import { AppModule } from './app.module';
import { configFromEnv, type SampleConfig } from './config';
import { Groups } from './messaging/topics';

/**
 * A hybrid app: HTTP for the API, and a RocketMQ microservice whose handlers are the
 * @EventPattern / @MessagePattern methods of the controllers.
 */
export async function createApp(config: SampleConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: false });
  app.connectMicroservice<MicroserviceOptions>(
    { strategy: new RocketMQServer({ nameServer: config.nameServer, group: Groups.app }) },
    { inheritAppConfig: true },
  );
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.httpPort, '127.0.0.1');
  return app;
}

async function main(): Promise<void> {
  const config = configFromEnv();
  const app = await createApp(config);
  app.enableShutdownHooks();
  new Logger('sample-app').log(
    `orders service on ${await app.getUrl()} (name server ${config.nameServer})`,
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(
      `sample-app failed to start: ${err instanceof Error ? err.stack : String(err)}\n`,
    );
    process.exit(1);
  });
}
