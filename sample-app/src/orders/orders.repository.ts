import { Injectable, NotFoundException } from '@nestjs/common';
import type { Order } from './order';

/** In-memory orders: the sample is about messaging, not persistence. */
@Injectable()
export class OrdersRepository {
  private readonly orders = new Map<string, Order>();
  private sequence = 0;

  nextId(): string {
    this.sequence += 1;
    return `ord-${Date.now().toString(36)}-${this.sequence}`;
  }

  save(order: Order): Order {
    this.orders.set(order.id, order);
    return order;
  }

  get(id: string): Order {
    const order = this.orders.get(id);
    if (!order) throw new NotFoundException(`order ${id} does not exist`);
    return order;
  }

  find(id: string): Order | undefined {
    return this.orders.get(id);
  }
}
