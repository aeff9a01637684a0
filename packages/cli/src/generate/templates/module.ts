import type { ServiceNames } from '../names';

/** `<name>.module.ts`: the producer's and the idempotency table's configuration. */
export function moduleTemplate(n: ServiceNames): string {
  return `import { Module } from '@nestjs/common';
import { IdempotencyModule, RocketMQModule } from '@rocketnest/nestjs';
import { ${n.pascal}Consumer } from './${n.kebab}.consumer';
import { ${n.constant}_PRODUCER_GROUP } from './${n.kebab}.messages';
import { ${n.pascal}Producer } from './${n.kebab}.producer';

/**
 * RocketMQ messaging of ${n.kebab}: a producer to inject (${n.pascal}Producer) and the handlers of
 * ${n.pascal}Consumer, which run once main.ts connects the RocketMQServer transport.
 */
@Module({
  imports: [
    // A factory, so the environment is read when the app starts rather than at import.
    RocketMQModule.forRootAsync({
      useFactory: () => ({
        nameServer: process.env.ROCKETNEST_NAMESRV ?? '127.0.0.1:9876',
        group: ${n.constant}_PRODUCER_GROUP,
      }),
    }),
    // Where @Idempotent() handlers record handled keys: SQLite in data/idempotency.sqlite.
    IdempotencyModule.forRoot(),
  ],
  controllers: [${n.pascal}Consumer],
  providers: [${n.pascal}Producer],
  exports: [${n.pascal}Producer],
})
export class ${n.pascal}Module {}
`;
}
