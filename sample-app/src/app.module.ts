import { join } from 'node:path';
import { Module, type DynamicModule } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import {
  ClientRocketMQ,
  IdempotencyModule,
  PostgresIdempotencyStore,
  RocketMQModule,
  SqliteIdempotencyStore,
} from '@rocketnest/nestjs';
import { AnalyticsController } from './analytics/analytics.controller';
import { OrderAnalytics } from './analytics/order-analytics';
import { CatalogController } from './catalog/catalog.controller';
import { CatalogService } from './catalog/catalog.service';
import { SAMPLE_CONFIG, type SampleConfig } from './config';
import { DeadLetters } from './fraud/dead-letters';
import { FraudController } from './fraud/fraud.controller';
import { InventoryController } from './inventory/inventory.controller';
import { InventoryService } from './inventory/inventory.service';
import { TopicsBootstrap } from './messaging/topics-bootstrap';
import { OrderEventsController } from './orders/order-events.controller';
import { OrderTimeline } from './orders/order-timeline';
import { OrdersController } from './orders/orders.controller';
import { OrdersRepository } from './orders/orders.repository';
import { OrdersService } from './orders/orders.service';
import { QUOTES_CLIENT, QuotesController } from './quotes/quotes.controller';

/** The orders service. `config` comes from the environment (see config.ts) or a test. */
@Module({})
export class AppModule {
  static forRoot(config: SampleConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RocketMQModule.forRoot({ nameServer: config.nameServer }),
        IdempotencyModule.forRoot({ store: idempotencyStore(config) }),
        ClientsModule.register([
          {
            name: QUOTES_CLIENT,
            customClass: ClientRocketMQ,
            options: { nameServer: config.nameServer, requestTimeoutMs: 5000 },
          },
        ]),
      ],
      controllers: [
        OrdersController,
        OrderEventsController,
        InventoryController,
        CatalogController,
        QuotesController,
        FraudController,
        AnalyticsController,
      ],
      providers: [
        { provide: SAMPLE_CONFIG, useValue: config },
        TopicsBootstrap,
        OrdersRepository,
        OrdersService,
        OrderTimeline,
        InventoryService,
        CatalogService,
        DeadLetters,
        OrderAnalytics,
      ],
    };
  }
}

/** SQLite in the data dir by default; PostgreSQL when DATABASE_URL is set. */
function idempotencyStore(config: SampleConfig) {
  if (config.databaseUrl) return new PostgresIdempotencyStore({ connection: config.databaseUrl });
  return new SqliteIdempotencyStore({ filename: join(config.dataDir, 'idempotency.sqlite') });
}
