import { Inject, Injectable } from '@nestjs/common';
import { LitePullConsumer, ResponseCode, dlqTopicOf } from '@rocketnest/client';
import { SAMPLE_CONFIG, type SampleConfig } from '../config';

export interface DeadLetter {
  msgId: string;
  keys: string[];
  reconsumeTimes: number;
  storedAt: string;
  body: unknown;
}

/** Reads a group's dead-letter queue from the beginning, without consuming it. */
@Injectable()
export class DeadLetters {
  constructor(@Inject(SAMPLE_CONFIG) private readonly config: SampleConfig) {}

  async list(group: string): Promise<DeadLetter[]> {
    const reader = new LitePullConsumer({
      nameServer: this.config.nameServer,
      group: `${group}-dlq-reader`,
      autoCommit: false,
    });
    await reader.start();
    try {
      const queues = await reader.queuesOf(dlqTopicOf(group)).catch(noTopicYet);
      if (queues.length === 0) return [];
      await reader.assign(queues);
      for (const queue of queues) await reader.seekToBeginning(queue);
      const letters: DeadLetter[] = [];
      for (;;) {
        const batch = await reader.poll(300);
        if (batch.length === 0) return letters;
        for (const m of batch) {
          letters.push({
            msgId: m.msgId,
            keys: m.keys,
            reconsumeTimes: m.reconsumeTimes,
            storedAt: new Date(m.storeTimestamp).toISOString(),
            body: JSON.parse(m.body.toString('utf8')),
          });
        }
      }
    } finally {
      await reader.shutdown();
    }
  }
}

/** A group that never dead-lettered anything has no DLQ topic yet: that is an empty DLQ. */
function noTopicYet(err: { code?: number }): [] {
  if (err.code === ResponseCode.TOPIC_NOT_EXIST) return [];
  throw err;
}
