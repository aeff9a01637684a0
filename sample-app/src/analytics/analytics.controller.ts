import { Controller, Get } from '@nestjs/common';
import { OrderAnalytics } from './order-analytics';

@Controller('analytics')
export class AnalyticsController {
  constructor(private readonly analytics: OrderAnalytics) {}

  /** Totals since start and the last windows of per-tag counts. */
  @Get()
  report() {
    return this.analytics.report();
  }
}
