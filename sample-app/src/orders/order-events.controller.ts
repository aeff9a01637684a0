import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { RocketMQContext } from '@rocketnest/nestjs';
import { Groups, Topics } from '../messaging/topics';
import type { OrderEvent } from './order';
import { OrderTimeline } from './order-timeline';
import { OrdersService } from './orders.service';

@Controller()
export class OrderEventsController {
  constructor(
    private readonly timeline: OrderTimeline,
    private readonly orders: OrdersService,
  ) {}

  /** Orderly: one message at a time per queue, so each order's events arrive in sending order. */
  @EventPattern(Topics.orders, { group: Groups.timeline, orderly: true })
  record(@Payload() event: OrderEvent, @Ctx() ctx: RocketMQContext): void {
    const message = ctx.getMessage();
    this.timeline.append(event.orderId, {
      status: event.status,
      msgId: message.msgId,
      queueId: message.queueId,
      queueOffset: message.queueOffset,
    });
  }

  /** Fires `cancelDelayLevel` after the order was created (a delayed message). */
  @EventPattern(Topics.orderTimeouts)
  async cancelIfUnpaid(@Payload() check: { orderId: string }): Promise<void> {
    await this.orders.cancelIfUnpaid(check.orderId);
  }
}
