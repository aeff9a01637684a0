/**
 * Topics and tags of the orders domain. RocketMQ topic names allow letters, digits, `_`, `-`,
 * `%` and `|` (no dots), so events of one entity share a topic and the event type is the tag:
 * consumers filter by tag on the broker.
 */
export const Topics = {
  /** Order lifecycle events, ordered per order id (the sharding key). */
  orders: 'orders',
  /** Delayed "cancel if still unpaid" checks. */
  orderTimeouts: 'order-timeouts',
  /** Price changes; every instance invalidates its cache (broadcasting). */
  catalog: 'catalog-updates',
  /** Request-reply price quotes. */
  quotes: 'price-quotes',
} as const;

export const OrderTags = {
  created: 'created',
  paid: 'paid',
  shipped: 'shipped',
  cancelled: 'cancelled',
} as const;

export type OrderTag = (typeof OrderTags)[keyof typeof OrderTags];

/** Consumer groups, one per concern, so each gets every order event (fan-out). */
export const Groups = {
  app: 'orders-service',
  timeline: 'order-timeline',
  inventory: 'inventory',
  fraud: 'fraud-check',
  analytics: 'order-analytics',
  /** Broadcasting: every instance of the service is a member and gets every change. */
  catalogCache: 'catalog-cache',
} as const;

export const ALL_TOPICS = Object.values(Topics);
