import { Controller, Get, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { RocketMQContext } from '@rocketnest/nestjs';
import { FRAUD_MAX_RECONSUME_TIMES } from '../config';
import { Groups, OrderTags, Topics } from '../messaging/topics';
import type { OrderEvent } from '../orders/order';
import { DeadLetters } from './dead-letters';

/** The sample's poison: an order whose customer is named "poison" always fails the check. */
const POISON = 'poison';

@Controller('fraud')
export class FraudController {
  private readonly logger = new Logger(FraudController.name);
  private attempts = 0;

  constructor(private readonly deadLetters: DeadLetters) {}

  /**
   * Throwing sends the message back: it is redelivered through %RETRY%fraud-check with a
   * growing delay, and after `maxReconsumeTimes` redeliveries it lands in %DLQ%fraud-check.
   */
  @EventPattern(Topics.orders, {
    tag: OrderTags.created,
    group: Groups.fraud,
    maxReconsumeTimes: FRAUD_MAX_RECONSUME_TIMES,
  })
  check(@Payload() event: OrderEvent, @Ctx() ctx: RocketMQContext): void {
    if (event.order.customer !== POISON) return;
    this.attempts += 1;
    const attempt = ctx.getMessage().reconsumeTimes + 1;
    this.logger.warn(`order ${event.orderId} fails the fraud check (attempt ${attempt})`);
    throw new Error(`order ${event.orderId} failed the fraud check`);
  }

  /** Failed attempts so far, and what sits in the dead-letter queue. */
  @Get('dlq')
  async dlq() {
    return {
      failedAttempts: this.attempts,
      deadLetters: await this.deadLetters.list(Groups.fraud),
    };
  }
}
