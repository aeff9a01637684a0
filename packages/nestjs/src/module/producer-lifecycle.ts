import type { OnApplicationShutdown } from '@nestjs/common';
import type { Producer } from '@rocketnest/client';

/**
 * Shuts the module's producer down with the app. On application shutdown, i.e. after the
 * microservices drained, so handlers finishing during the drain can still publish.
 */
export class ProducerLifecycle implements OnApplicationShutdown {
  constructor(private readonly producer: Producer) {}

  async onApplicationShutdown(): Promise<void> {
    await this.producer.shutdown();
  }
}
