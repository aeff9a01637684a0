import { BadRequestException, Body, Controller, Get, Param, Put } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { Producer } from '@rocketnest/client';
import { InjectProducer } from '@rocketnest/nestjs';
import { Groups, Topics } from '../messaging/topics';
import { CatalogService } from './catalog.service';

@Controller('catalog')
export class CatalogController {
  constructor(
    private readonly catalog: CatalogService,
    @InjectProducer() private readonly producer: Producer,
  ) {}

  @Get()
  stats() {
    return this.catalog.stats();
  }

  @Get(':sku/price')
  price(@Param('sku') sku: string) {
    return { sku, price: this.catalog.price(sku) };
  }

  @Put(':sku/price')
  async setPrice(@Param('sku') sku: string, @Body() body: { price: number }) {
    if (typeof body?.price !== 'number' || !(body.price >= 0)) {
      throw new BadRequestException('price (a number >= 0) is required');
    }
    this.catalog.setListPrice(sku, body.price);
    const sent = await this.producer.send({
      topic: Topics.catalog,
      keys: sku,
      body: JSON.stringify({ sku }),
    });
    return { sku, price: body.price, msgId: sent.msgId };
  }

  /** Broadcasting: every running instance gets every change and drops its cached price. */
  @EventPattern(Topics.catalog, { group: Groups.catalogCache, broadcasting: true })
  invalidate(@Payload() change: { sku: string }): void {
    this.catalog.invalidate(change.sku);
  }
}
