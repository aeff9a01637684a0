import { BadRequestException, ConflictException, Inject, Injectable, Logger } from '@nestjs/common';
import type { Producer, SendResult } from '@rocketnest/client';
import { InjectProducer } from '@rocketnest/nestjs';
import { SAMPLE_CONFIG, type SampleConfig } from '../config';
import { CatalogService } from '../catalog/catalog.service';
import { Topics, type OrderTag } from '../messaging/topics';
import type { CreateOrderRequest, Order, OrderEvent, OrderStatus } from './order';
import { OrdersRepository } from './orders.repository';

const NEXT_STATUS: Partial<Record<OrderStatus, OrderStatus>> = {
  created: 'paid',
  paid: 'shipped',
};

@Injectable()
export class OrdersService {
  private readonly logger = new Logger(OrdersService.name);

  constructor(
    private readonly orders: OrdersRepository,
    private readonly catalog: CatalogService,
    @InjectProducer() private readonly producer: Producer,
    @Inject(SAMPLE_CONFIG) private readonly config: SampleConfig,
  ) {}

  async create(request: CreateOrderRequest): Promise<{ order: Order; sent: SendResult }> {
    validate(request);
    const order = this.orders.save({
      id: this.orders.nextId(),
      customer: request.customer,
      lines: request.lines,
      total: request.lines.reduce((sum, l) => sum + this.catalog.price(l.sku) * l.quantity, 0),
      status: 'created',
      createdAt: new Date().toISOString(),
    });
    const sent = await this.publish(order);
    await this.producer.send({
      topic: Topics.orderTimeouts,
      body: JSON.stringify({ orderId: order.id }),
      keys: order.id,
      delayLevel: this.config.cancelDelayLevel,
    });
    return { order, sent };
  }

  /** created → paid → shipped; anything else is a conflict. */
  async advance(id: string, to: 'paid' | 'shipped'): Promise<{ order: Order; sent: SendResult }> {
    const order = this.orders.get(id);
    if (NEXT_STATUS[order.status] !== to) {
      throw new ConflictException(`order ${id} is ${order.status}; it cannot become ${to}`);
    }
    order.status = to;
    return { order, sent: await this.publish(order) };
  }

  /** The delayed check: an order still unpaid when it fires is cancelled. */
  async cancelIfUnpaid(id: string): Promise<boolean> {
    const order = this.orders.find(id);
    if (!order || order.status !== 'created') return false;
    order.status = 'cancelled';
    await this.publish(order);
    this.logger.log(`order ${id} cancelled: not paid in time`);
    return true;
  }

  /** Re-sends the event of the order's current status with the same keys, as a duplicate would. */
  replay(id: string): Promise<SendResult> {
    return this.publish(this.orders.get(id));
  }

  /**
   * Every event of one order carries the order id as sharding key: they land in one queue and
   * orderly handlers see created → paid → shipped in that order.
   */
  private publish(order: Order): Promise<SendResult> {
    const event: OrderEvent = {
      orderId: order.id,
      status: order.status,
      order,
      at: new Date().toISOString(),
    };
    return this.producer.send({
      topic: Topics.orders,
      tags: order.status satisfies OrderTag,
      keys: [`${order.id}:${order.status}`, order.id],
      shardingKey: order.id,
      body: JSON.stringify(event),
    });
  }
}

function validate(request: CreateOrderRequest): void {
  if (typeof request?.customer !== 'string' || request.customer.length === 0) {
    throw new BadRequestException('customer (a non-empty string) is required');
  }
  if (!Array.isArray(request.lines) || request.lines.length === 0) {
    throw new BadRequestException('lines (a non-empty array of { sku, quantity }) is required');
  }
  for (const line of request.lines) {
    if (typeof line?.sku !== 'string' || !Number.isInteger(line.quantity) || line.quantity <= 0) {
      throw new BadRequestException('each line needs a sku and a positive integer quantity');
    }
  }
}
