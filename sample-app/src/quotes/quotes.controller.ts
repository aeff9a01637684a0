import { BadRequestException, Controller, Get, Inject, Query } from '@nestjs/common';
import { ClientProxy, MessagePattern, Payload } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { CatalogService } from '../catalog/catalog.service';
import { Topics } from '../messaging/topics';

export const QUOTES_CLIENT = 'QUOTES_CLIENT';

export interface QuoteRequest {
  sku: string;
  quantity: number;
}

export interface Quote extends QuoteRequest {
  unitPrice: number;
  discount: number;
  total: number;
}

@Controller('quotes')
export class QuotesController {
  constructor(
    private readonly catalog: CatalogService,
    @Inject(QUOTES_CLIENT) private readonly client: ClientProxy,
  ) {}

  /** The HTTP side asks over RocketMQ (request-reply), as another service would. */
  @Get()
  async quote(@Query('sku') sku: string, @Query('quantity') quantity = '1'): Promise<Quote> {
    const request: QuoteRequest = { sku, quantity: Number(quantity) };
    if (!sku || !Number.isInteger(request.quantity) || request.quantity <= 0) {
      throw new BadRequestException('sku and a positive integer quantity are required');
    }
    return firstValueFrom(this.client.send<Quote, QuoteRequest>(Topics.quotes, request));
  }

  /** The answering side: its return value is the reply. 10% off from 10 items. */
  @MessagePattern(Topics.quotes)
  answer(@Payload() request: QuoteRequest): Quote {
    const unitPrice = this.catalog.price(request.sku);
    const discount = request.quantity >= 10 ? 0.1 : 0;
    const total = Math.round(unitPrice * request.quantity * (1 - discount) * 100) / 100;
    return { ...request, unitPrice, discount, total };
  }
}
