import { Controller, Get } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Idempotent } from '@rocketnest/nestjs';
import { Groups, OrderTags, Topics } from '../messaging/topics';
import type { OrderEvent } from '../orders/order';
import { InventoryService } from './inventory.service';

@Controller('inventory')
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  /**
   * At-least-once delivery can hand this handler the same payment twice (a redelivery, a
   * producer retry, `POST /orders/:id/replay`). The order id is the business key: the
   * idempotency table lets the first delivery reserve stock and acknowledges the rest.
   */
  @EventPattern(Topics.orders, { tag: OrderTags.paid, group: Groups.inventory })
  @Idempotent<OrderEvent>({ key: (event) => `${event.orderId}:paid` })
  reserve(@Payload() event: OrderEvent): void {
    this.inventory.reserve(event.order.lines);
  }

  @Get()
  stock() {
    return this.inventory.snapshot();
  }
}
