import { parseTagExpression, tagHashCode, type SubscriptionData } from '@rocketnest/protocol';

/** One topic subscription with its tag expression ("*", "TagA || TagB"). */
export interface Subscription {
  topic: string;
  expression: string;
  all: boolean;
  tags: Set<string>;
  subVersion: number;
}

export function subscription(topic: string, expression = '*'): Subscription {
  const parsed = parseTagExpression(expression);
  return {
    topic,
    expression: parsed.all ? '*' : expression,
    all: parsed.all,
    tags: new Set(parsed.tags),
    subVersion: Date.now(),
  };
}

export function subscriptionData(sub: Subscription): SubscriptionData {
  const tags = [...sub.tags];
  return {
    topic: sub.topic,
    subString: sub.expression,
    tagsSet: tags,
    codeSet: tags.map(tagHashCode),
    subVersion: sub.subVersion,
    expressionType: 'TAG',
    classFilterMode: false,
  };
}

/** The broker filters by tag hash; the client re-checks the tag itself (hash collisions). */
export function matches(sub: Subscription, tag: string | undefined): boolean {
  return sub.all || (tag !== undefined && sub.tags.has(tag));
}
