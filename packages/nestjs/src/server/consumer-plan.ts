import type { MessageHandler } from '@nestjs/microservices';
import { parseTagExpression } from '@rocketnest/client';
import { RocketMQConfigurationError } from '../errors/rocketmq-configuration.error';
import type { RocketMQHandlerExtras } from './rocketmq-server.options';

/** A handler and the tags it takes (`undefined`: every tag). */
export interface HandlerRoute {
  handler: MessageHandler;
  tags?: ReadonlySet<string>;
}

/** One push consumer: a group, how it consumes, its subscriptions and who handles what. */
export interface ConsumerPlan {
  group: string;
  orderly: boolean;
  broadcasting: boolean;
  concurrency: number;
  maxReconsumeTimes: number;
  /** topic -> tag expression (the union of its handlers' tags) */
  subscriptions: Map<string, string>;
  /** topic -> the handlers of this group for it */
  routes: Map<string, HandlerRoute[]>;
}

export interface PlanDefaults {
  group: string;
  concurrency: number;
  maxReconsumeTimes: number;
}

const TOPIC = /^[%|a-zA-Z0-9_-]{1,127}$/;
const CONSUMER_SETTINGS = ['orderly', 'broadcasting', 'concurrency', 'maxReconsumeTimes'] as const;

/**
 * One push consumer per consumer group: RocketMQ keeps one subscription set per group, so the
 * handlers that share a group share its consumer and must agree on how it consumes. Handlers of
 * one topic in different groups each get every message (fan-out); handlers of one topic in one
 * group share its subscription (their tags are joined) and each gets the messages of its tags.
 */
export function planConsumers(
  handlersByTopic: ReadonlyMap<string, readonly MessageHandler[]>,
  defaults: PlanDefaults,
): ConsumerPlan[] {
  const plans = new Map<string, ConsumerPlan>();
  for (const [topic, handlers] of handlersByTopic) {
    if (!TOPIC.test(topic)) {
      throw new RocketMQConfigurationError(
        `pattern ${topic} is not a RocketMQ topic (1-127 characters of [%|a-zA-Z0-9_-]): RocketMQ handlers take the topic as their pattern`,
      );
    }
    for (const handler of handlers) {
      const extras = (handler.extras ?? {}) as RocketMQHandlerExtras;
      const wanted = planOf(extras, defaults);
      const plan = plans.get(wanted.group) ?? wanted;
      plans.set(plan.group, plan);
      agree(plan, wanted, topic);
      const routes = plan.routes.get(topic) ?? [];
      routes.push(routeOf(handler, extras.tag));
      plan.routes.set(topic, routes);
      plan.subscriptions.set(topic, expressionOf(routes));
    }
  }
  return [...plans.values()];
}

/** The routes of `topic` that take a message with `tag`. */
export function routesFor(
  plan: ConsumerPlan,
  topic: string,
  tag: string | undefined,
): HandlerRoute[] {
  return (plan.routes.get(topic) ?? []).filter(
    (route) => !route.tags || (tag !== undefined && route.tags.has(tag)),
  );
}

function planOf(extras: RocketMQHandlerExtras, defaults: PlanDefaults): ConsumerPlan {
  return {
    group: extras.group ?? defaults.group,
    orderly: extras.orderly ?? false,
    broadcasting: extras.broadcasting ?? false,
    concurrency: extras.concurrency ?? defaults.concurrency,
    maxReconsumeTimes: extras.maxReconsumeTimes ?? defaults.maxReconsumeTimes,
    subscriptions: new Map(),
    routes: new Map(),
  };
}

function routeOf(handler: MessageHandler, tag: string | undefined): HandlerRoute {
  const parsed = parseTagExpression(tag);
  return parsed.all ? { handler } : { handler, tags: new Set(parsed.tags) };
}

function expressionOf(routes: readonly HandlerRoute[]): string {
  if (routes.some((route) => !route.tags)) return '*';
  return [...new Set(routes.flatMap((route) => [...route.tags!]))].join(' || ');
}

function agree(plan: ConsumerPlan, other: ConsumerPlan, topic: string): void {
  for (const setting of CONSUMER_SETTINGS) {
    if (plan[setting] !== other[setting]) {
      throw new RocketMQConfigurationError(
        `handlers of consumer group ${plan.group} disagree on ${setting} (${String(plan[setting])} vs ${String(other[setting])} for topic ${topic}): one group is one consumer; give the handler its own group`,
      );
    }
  }
}
