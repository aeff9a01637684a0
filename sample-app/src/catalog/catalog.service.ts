import { Injectable, Logger } from '@nestjs/common';

const LIST_PRICES: Record<string, number> = { 'sku-book': 12.5, 'sku-pen': 1.2, 'sku-lamp': 39 };

/**
 * Prices with a per-instance cache. The "source of truth" is the list below, changed through
 * `PUT /catalog/:sku/price`; every instance drops its cached price when the change is broadcast.
 */
@Injectable()
export class CatalogService {
  private readonly logger = new Logger(CatalogService.name);
  private readonly source = new Map(Object.entries(LIST_PRICES));
  private readonly cache = new Map<string, number>();
  private invalidations = 0;

  price(sku: string): number {
    const cached = this.cache.get(sku);
    if (cached !== undefined) return cached;
    const price = this.source.get(sku) ?? 10;
    this.cache.set(sku, price);
    return price;
  }

  setListPrice(sku: string, price: number): void {
    this.source.set(sku, price);
  }

  invalidate(sku: string): void {
    this.cache.delete(sku);
    this.invalidations += 1;
    this.logger.log(`price cache of ${sku} invalidated`);
  }

  stats(): { cached: Record<string, number>; invalidations: number } {
    return { cached: Object.fromEntries(this.cache), invalidations: this.invalidations };
  }
}
