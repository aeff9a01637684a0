import { Injectable } from '@nestjs/common';
import type { OrderStatus } from './order';

export interface TimelineEntry {
  status: OrderStatus;
  msgId: string;
  queueId: number;
  queueOffset: number;
}

/** Per order, the events in the order the orderly consumer handled them. */
@Injectable()
export class OrderTimeline {
  private readonly entries = new Map<string, TimelineEntry[]>();

  append(orderId: string, entry: TimelineEntry): void {
    const list = this.entries.get(orderId) ?? [];
    list.push(entry);
    this.entries.set(orderId, list);
  }

  of(orderId: string): TimelineEntry[] {
    return this.entries.get(orderId) ?? [];
  }
}
