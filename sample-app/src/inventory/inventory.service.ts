import { Injectable } from '@nestjs/common';
import type { OrderLine } from '../orders/order';

const INITIAL_STOCK: Record<string, number> = { 'sku-book': 100, 'sku-pen': 500, 'sku-lamp': 20 };

/** Stock levels; reserved when an order is paid. */
@Injectable()
export class InventoryService {
  private readonly stock = new Map(Object.entries(INITIAL_STOCK));
  private applied = 0;

  reserve(lines: OrderLine[]): void {
    for (const line of lines) {
      this.stock.set(line.sku, (this.stock.get(line.sku) ?? 0) - line.quantity);
    }
    this.applied += 1;
  }

  snapshot(): { stock: Record<string, number>; reservations: number } {
    return { stock: Object.fromEntries(this.stock), reservations: this.applied };
  }
}
