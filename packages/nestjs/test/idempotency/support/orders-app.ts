import { Controller, Inject, Injectable, type LoggerService } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import {
  Idempotent,
  IdempotencyEvents,
  IdempotencyModule,
  IdempotencyTransaction,
  type IdempotencyEvent,
  type IdempotencyModuleOptions,
} from '../../../src/idempotency';
import { ReplayTransport, type ReplayContext } from './replay-transport';
import type { Ledger } from './transactional-contract';

export interface Order {
  id: string;
  amount?: number;
}

export const LEDGER = Symbol('LEDGER');

/** The side effects the handlers make, so tests can count them. */
@Injectable()
export class Effects {
  readonly applied: string[] = [];
  readonly failuresLeft = new Map<string, number>();
  private readonly gates = new Map<string, { opened: Promise<void>; open(): void }>();
  readonly started = new Set<string>();

  /** The `slow` handler of `id` waits until open(id). */
  hold(id: string): void {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    this.gates.set(id, { opened, open });
  }

  open(id: string): void {
    this.gates.get(id)?.open();
  }

  async waitAtGate(id: string): Promise<void> {
    this.started.add(id);
    await this.gates.get(id)?.opened;
  }

  failIfScheduled(id: string): void {
    const left = this.failuresLeft.get(id) ?? 0;
    if (left > 0) {
      this.failuresLeft.set(id, left - 1);
      throw new Error(`transient failure for ${id}`);
    }
  }
}

@Controller()
export class OrdersController {
  constructor(
    @Inject(Effects) private readonly effects: Effects,
    @Inject(LEDGER) private readonly ledger: Ledger<unknown> | null,
  ) {}

  @EventPattern('orders')
  @Idempotent()
  onOrder(@Payload() order: Order): void {
    this.effects.applied.push(order.id);
  }

  @EventPattern('flaky')
  @Idempotent()
  async onFlaky(@Payload() order: Order): Promise<void> {
    this.effects.failIfScheduled(order.id);
    this.effects.applied.push(order.id);
  }

  @EventPattern('slow')
  @Idempotent()
  async onSlow(@Payload() order: Order): Promise<void> {
    await this.effects.waitAtGate(order.id);
    this.effects.applied.push(order.id);
  }

  @MessagePattern('quote')
  @Idempotent<Order>({ key: (order) => order.id })
  quote(@Payload() order: Order, @Ctx() ctx: ReplayContext): { id: string; msgId: string } {
    this.effects.applied.push(order.id);
    return { id: order.id, msgId: ctx.getMessage().msgId };
  }

  @EventPattern('by-msg-id')
  @Idempotent({ fallbackToMsgId: true })
  onAnything(@Payload() order: Order): void {
    this.effects.applied.push(order.id);
  }

  @EventPattern('audit')
  @Idempotent({ scope: 'audit-log', store: 'audit' })
  onAudit(@Payload() order: Order): void {
    this.effects.applied.push(`audit:${order.id}`);
  }

  @EventPattern('payments')
  @Idempotent({ transactional: true })
  async onPayment(@Payload() order: Order): Promise<void> {
    this.effects.failIfScheduled(order.id);
    await this.ledger!.insert(IdempotencyTransaction.current(), order.id);
    this.effects.applied.push(order.id);
  }
}

export interface OrdersApp {
  transport: ReplayTransport;
  effects: Effects;
  events: IdempotencyEvent[];
  close(): Promise<void>;
}

/** A real Nest microservice over the replay transport with IdempotencyModule configured. */
export async function startOrdersApp(
  options: IdempotencyModuleOptions,
  ledger: Ledger<unknown> | null = null,
  logger: LoggerService | false = false,
): Promise<OrdersApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [IdempotencyModule.forRoot(options)],
    controllers: [OrdersController],
    providers: [Effects, { provide: LEDGER, useValue: ledger }],
  }).compile();
  const transport = new ReplayTransport();
  const app = moduleRef.createNestMicroservice({ strategy: transport, logger });
  const events: IdempotencyEvent[] = [];
  app.get(IdempotencyEvents).events$.subscribe((event) => events.push(event));
  await app.listen();
  return { transport, effects: app.get(Effects), events, close: () => app.close() };
}
