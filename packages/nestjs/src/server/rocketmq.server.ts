import { Logger } from '@nestjs/common';
import {
  Server,
  type CustomTransportStrategy,
  type MessageHandler,
  type OutgoingResponse,
  type ReadPacket,
} from '@nestjs/microservices';
import {
  Admin,
  Producer,
  PushConsumer,
  type ClientOptions,
  type ConsumeResult,
  type ConsumedMessage,
} from '@rocketnest/client';
import { isObservable, lastValueFrom } from 'rxjs';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_RECONSUME_TIMES,
  MessageProperty,
  ROCKETMQ_TRANSPORT,
} from '../constants';
import { RocketMQContext } from '../ctx-host/rocketmq.context';
import { RocketMQDeadLetterException } from '../errors/rocketmq-dead-letter.exception';
import { RocketMQRequestDeserializer } from '../serializers/rocketmq-request.deserializer';
import {
  RocketMQResponseSerializer,
  type RocketMQReply,
} from '../serializers/rocketmq-response.serializer';
import { planConsumers, routesFor, type ConsumerPlan } from './consumer-plan';
import { DeadLetterQueue } from './dead-letter-queue';
import type { RocketMQServerEvents, RocketMQStatus } from './rocketmq-server.events';
import type { RocketMQServerOptions } from './rocketmq-server.options';
import { describeError } from '../utils/describe-error';
import { omit } from '../utils/omit';
import { isRequest } from './is-request';
import { ServerEventListeners } from './server-event-listeners';

interface Running {
  producer: Producer;
  admin: Admin;
  consumers: Map<string, PushConsumer>;
  deadLetters: DeadLetterQueue;
}

/** What `unwrap()` returns: the clients behind the transport. */
export interface RocketMQServerClients {
  producer: Producer;
  /** One push consumer per consumer group. */
  consumers: ReadonlyMap<string, PushConsumer>;
}

/**
 * The RocketMQ transport strategy. Every `@EventPattern(topic)`/`@MessagePattern(topic)` handler
 * is a subscription of its group's push consumer; the handler's outcome decides the
 * acknowledgement (completion: consumed; error: redelivered, then DLQ), and request handlers'
 * results are replied to the requester.
 */
export class RocketMQServer
  extends Server<RocketMQServerEvents, RocketMQStatus>
  implements CustomTransportStrategy
{
  override transportId: symbol = ROCKETMQ_TRANSPORT;
  /** Nest 12: event handler errors reach the transport, which retries them. */
  readonly propagatesEventHandlerErrors = true;
  protected override readonly logger = new Logger(RocketMQServer.name);
  private running: Running | undefined;
  private handlerLists: ReadonlyMap<string, readonly MessageHandler[]> | undefined;
  private readonly defaultStartHook = this.onProcessingStartHook;
  private readonly listeners = new ServerEventListeners((message) => this.logger.error(message));

  constructor(private readonly options: RocketMQServerOptions) {
    super();
    this.initializeSerializer(options);
    this.initializeDeserializer(options);
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** Drains: stops pulling, lets in-flight handlers finish, commits offsets, then disconnects. */
  async close(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    this._status$.next('draining');
    await Promise.all([...running.consumers.values()].map((c) => c.stop()));
    await running.producer.shutdown();
    await running.admin.close();
    this._status$.next('disconnected');
  }

  on<
    EventKey extends keyof RocketMQServerEvents = keyof RocketMQServerEvents,
    EventCallback extends RocketMQServerEvents[EventKey] = RocketMQServerEvents[EventKey],
  >(event: EventKey, callback: EventCallback): void {
    this.listeners.add(event, callback);
  }

  unwrap<T = RocketMQServerClients>(): T {
    if (!this.running) {
      throw new Error(
        'Not initialized. Please call the "listen"/"startAllMicroservices" method before accessing the server.',
      );
    }
    const { producer, consumers } = this.running;
    return { producer, consumers } as T;
  }

  /**
   * Like ServerKafka: awaits the handlers (and their Observables) of `pattern`, so failures reach
   * the consumer. The transport itself dispatches each message only to the handlers of the
   * consumer group that received it (see `dispatch`).
   */
  override async handleEvent(
    pattern: string,
    packet: ReadPacket,
    context: RocketMQContext,
  ): Promise<void> {
    const handlers = this.handlersByTopic().get(pattern) ?? [];
    if (handlers.length === 0) {
      this.logger.error(`There is no event handler for topic ${pattern}`);
      return;
    }
    await this.withProcessingHooks(context, () => runEventHandlers(handlers, packet, context));
  }

  protected override initializeSerializer(options: RocketMQServerOptions): void {
    this.serializer = options.serializer ?? new RocketMQResponseSerializer();
  }

  protected override initializeDeserializer(options: RocketMQServerOptions): void {
    this.deserializer = options.deserializer ?? new RocketMQRequestDeserializer();
  }

  private async start(): Promise<void> {
    this._status$.next('connecting');
    const { client, producerOptions, consumerOptions } = this.splitOptions();
    const plans = planConsumers(this.handlersByTopic(), {
      group: this.options.group,
      concurrency: this.options.concurrency ?? DEFAULT_CONCURRENCY,
      maxReconsumeTimes: this.options.maxReconsumeTimes ?? DEFAULT_MAX_RECONSUME_TIMES,
    });
    const producer = new Producer({ ...client, ...producerOptions });
    await producer.start();
    const admin = new Admin(client);
    const running: Running = {
      producer,
      admin,
      consumers: new Map(),
      deadLetters: new DeadLetterQueue(producer, admin),
    };
    this.running = running;
    for (const plan of plans) {
      const consumer = new PushConsumer({
        ...client,
        ...consumerOptions,
        group: plan.group,
        messageModel: plan.broadcasting ? 'BROADCASTING' : 'CLUSTERING',
        maxReconsumeTimes: plan.maxReconsumeTimes,
      });
      for (const [topic, tag] of plan.subscriptions) consumer.subscribe(topic, tag);
      running.consumers.set(plan.group, consumer);
      await consumer.run({
        orderly: plan.orderly,
        concurrency: plan.concurrency,
        eachMessage: (message) => this.consume(message, plan, consumer, producer),
      });
    }
    this._status$.next('connected');
  }

  private splitOptions() {
    const client: ClientOptions = omit(this.options, [
      'group',
      'consumer',
      'producer',
      'concurrency',
      'maxReconsumeTimes',
      'serializer',
      'deserializer',
    ]);
    return {
      client,
      producerOptions: this.options.producer,
      consumerOptions: this.options.consumer,
    };
  }

  private async consume(
    message: ConsumedMessage,
    plan: ConsumerPlan,
    consumer: PushConsumer,
    producer: Producer,
  ): Promise<ConsumeResult> {
    const context = new RocketMQContext([message, plan.group, consumer, producer]);
    try {
      await this.dispatch(message, context, plan);
      return 'SUCCESS';
    } catch (err) {
      return this.onHandlerError(err, message, plan);
    }
  }

  private async dispatch(
    message: ConsumedMessage,
    context: RocketMQContext,
    plan: ConsumerPlan,
  ): Promise<void> {
    const routes = routesFor(plan, message.topic, message.tags);
    if (routes.length === 0) {
      this.logger.warn(
        `no handler of group ${plan.group} takes tag ${message.tags ?? '(none)'} of topic ${message.topic}; message ${message.msgId} acknowledged`,
      );
      return;
    }
    const packet = (await this.deserializer.deserialize(message, {
      channel: message.topic,
    })) as ReadPacket;
    const responder = isRequest(message)
      ? routes.find((route) => !route.handler.isEventHandler)
      : undefined;
    await this.withProcessingHooks(context, () =>
      responder
        ? this.handleRequest(responder.handler, packet, context)
        : runEventHandlers(
            routes.map((route) => route.handler),
            packet,
            context,
          ),
    );
  }

  /**
   * The handlers of each topic, one by one. Nest chains the `@EventPattern` handlers of one
   * pattern and calling the head runs them all; here each handler may belong to another consumer
   * group, so the chain is unlinked once and the transport calls the handlers it routes to.
   */
  private handlersByTopic(): ReadonlyMap<string, readonly MessageHandler[]> {
    if (this.handlerLists) return this.handlerLists;
    const lists = new Map<string, MessageHandler[]>();
    for (const [topic, head] of this.getHandlers()) {
      const list: MessageHandler[] = [];
      for (let h: MessageHandler | undefined = head; h; h = h.next as MessageHandler | undefined) {
        list.push(h);
      }
      for (const handler of list) handler.next = undefined;
      lists.set(topic, list);
    }
    this.handlerLists = lists;
    return lists;
  }

  /** A request's outcome, value or error, is replied; a failed reply makes it redelivered. */
  private async handleRequest(
    handler: MessageHandler,
    packet: ReadPacket,
    context: RocketMQContext,
  ): Promise<void> {
    let outcome: OutgoingResponse;
    const id = context.getProperties()[MessageProperty.CORRELATION_ID]!;
    try {
      const result$ = this.transformToObservable(await handler(packet.data, context));
      const response: unknown = await lastValueFrom(result$, { defaultValue: undefined });
      outcome = { id, response, isDisposed: true };
    } catch (err) {
      outcome = { id, err, isDisposed: true };
    }
    const reply = (await this.serializer.serialize(outcome)) as RocketMQReply;
    await context.getProducer().reply(context.getMessage(), reply.body, reply.properties);
  }

  /** Runs `work` inside the processing hooks tracing agents set, and waits for it. */
  private withProcessingHooks(context: RocketMQContext, work: () => Promise<void>): Promise<void> {
    // Without hooks (the common case) spare the per-message wrapping.
    if (this.onProcessingStartHook === this.defaultStartHook && !this.onProcessingEndHook) {
      return work();
    }
    return new Promise((resolve, reject) => {
      this.onProcessingStartHook(this.transportId, context, () => {
        const done = work().finally(() => this.onProcessingEndHook?.(this.transportId, context));
        done.then(resolve, reject);
        return done;
      });
    });
  }

  private async onHandlerError(
    err: unknown,
    message: ConsumedMessage,
    plan: ConsumerPlan,
  ): Promise<ConsumeResult> {
    const reason = describeError(err);
    this.logger.error(
      `handler of topic ${message.topic} failed on message ${message.msgId} (group ${plan.group}, reconsumeTimes ${message.reconsumeTimes}): ${reason}`,
    );
    this.listeners.emit('handler-error', message, plan.group, err);
    if (err instanceof RocketMQDeadLetterException && !plan.broadcasting) {
      try {
        await this.running!.deadLetters.send(message, plan.group, reason);
        this.listeners.emit('dead-letter', message, plan.group, reason);
        return 'SUCCESS';
      } catch (dlqErr) {
        this.logger.error(
          `cannot send message ${message.msgId} of topic ${message.topic} to the DLQ of ${plan.group}, retrying it instead: ${describeError(dlqErr)}`,
        );
      }
    }
    return plan.orderly ? 'SUSPEND_CURRENT_QUEUE_A_MOMENT' : 'RECONSUME_LATER';
  }
}

/** Runs event handlers together and waits for all of them (and their Observables). */
async function runEventHandlers(
  handlers: readonly MessageHandler[],
  packet: ReadPacket,
  context: RocketMQContext,
): Promise<void> {
  await Promise.all(
    handlers.map(async (handler) => {
      const result: unknown = await handler(packet.data, context);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    }),
  );
}
