import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { CreateOrderRequest } from './order';
import { OrdersService } from './orders.service';
import { OrderTimeline } from './order-timeline';
import { OrdersRepository } from './orders.repository';

@Controller('orders')
export class OrdersController {
  constructor(
    private readonly service: OrdersService,
    private readonly orders: OrdersRepository,
    private readonly timeline: OrderTimeline,
  ) {}

  @Post()
  async create(@Body() body: CreateOrderRequest) {
    const { order, sent } = await this.service.create(body);
    return { order, msgId: sent.msgId, queue: sent.queue.queueId };
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.orders.get(id);
  }

  @Post(':id/pay')
  @HttpCode(200)
  async pay(@Param('id') id: string) {
    const { order, sent } = await this.service.advance(id, 'paid');
    return { order, msgId: sent.msgId, queue: sent.queue.queueId };
  }

  @Post(':id/ship')
  @HttpCode(200)
  async ship(@Param('id') id: string) {
    const { order, sent } = await this.service.advance(id, 'shipped');
    return { order, msgId: sent.msgId, queue: sent.queue.queueId };
  }

  /** Sends the current event again with the same keys: the idempotent inventory ignores it. */
  @Post(':id/replay')
  @HttpCode(200)
  async replay(@Param('id') id: string) {
    const sent = await this.service.replay(id);
    return { msgId: sent.msgId };
  }

  /** What the orderly consumer saw for this order, in consumption order. */
  @Get(':id/timeline')
  events(@Param('id') id: string) {
    return this.timeline.of(id);
  }
}
