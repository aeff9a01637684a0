import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Admin } from '@rocketnest/client';
import { SAMPLE_CONFIG, type SampleConfig } from '../config';
import { ALL_TOPICS } from './topics';

/**
 * Creates the sample's topics on first start, so consumers find routes when they subscribe.
 * Production setups provision topics with `rocketnest topic create` instead.
 */
@Injectable()
export class TopicsBootstrap implements OnModuleInit {
  private readonly logger = new Logger(TopicsBootstrap.name);

  constructor(@Inject(SAMPLE_CONFIG) private readonly config: SampleConfig) {}

  async onModuleInit(): Promise<void> {
    const admin = new Admin({ nameServer: this.config.nameServer });
    try {
      const existing = new Set(await admin.listTopics());
      for (const topic of ALL_TOPICS.filter((t) => !existing.has(t))) {
        await admin.createTopic(topic, { queueNums: 4 });
        this.logger.log(`created topic ${topic}`);
      }
    } finally {
      await admin.close();
    }
  }
}
