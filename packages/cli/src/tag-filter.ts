/** A subscription expression ("*", "TagA", "TagA || TagB") as a predicate on a message's tag. */
export function tagFilter(expression = '*'): (tag: string | undefined) => boolean {
  const tags = new Set(
    expression
      .split('||')
      .map((t) => t.trim())
      .filter(Boolean),
  );
  if (tags.size === 0 || tags.has('*')) return () => true;
  return (tag) => tag !== undefined && tags.has(tag);
}
