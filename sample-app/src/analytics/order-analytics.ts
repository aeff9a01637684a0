import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { acknowledge, messageStream } from '@rocketnest/nestjs';
import { bufferTime, filter, map, type Subscription } from 'rxjs';
import { SAMPLE_CONFIG, type SampleConfig } from '../config';
import { Groups, Topics } from '../messaging/topics';

export interface AnalyticsWindow {
  /** End of the window. */
  at: string;
  /** Events per tag (created, paid, shipped, cancelled) in the window. */
  counts: Record<string, number>;
}

const KEPT_WINDOWS = 60;

/**
 * Windowed counts of order events over an RxJS pull stream: the stream pulls only as fast as
 * the pipeline acknowledges, and offsets are committed only for acknowledged messages.
 */
@Injectable()
export class OrderAnalytics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OrderAnalytics.name);
  private readonly windows: AnalyticsWindow[] = [];
  private readonly totals: Record<string, number> = {};
  private subscription?: Subscription;

  constructor(@Inject(SAMPLE_CONFIG) private readonly config: SampleConfig) {}

  onApplicationBootstrap(): void {
    this.subscription = messageStream(
      { nameServer: this.config.nameServer, group: Groups.analytics },
      { topic: Topics.orders },
    )
      .pipe(
        bufferTime(this.config.analyticsWindowMs),
        filter((batch) => batch.length > 0),
        map((batch) => {
          this.record(batch.map((m) => m.tags ?? 'untagged'));
          return batch;
        }),
        acknowledge(),
      )
      .subscribe({ error: (err) => this.logger.error(`analytics stream failed: ${String(err)}`) });
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  report(): { totals: Record<string, number>; windows: AnalyticsWindow[] } {
    return { totals: { ...this.totals }, windows: [...this.windows] };
  }

  private record(tags: string[]): void {
    const counts: Record<string, number> = {};
    for (const tag of tags) {
      counts[tag] = (counts[tag] ?? 0) + 1;
      this.totals[tag] = (this.totals[tag] ?? 0) + 1;
    }
    this.windows.push({ at: new Date().toISOString(), counts });
    if (this.windows.length > KEPT_WINDOWS) this.windows.shift();
  }
}
