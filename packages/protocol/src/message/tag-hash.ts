/** Java's `String.hashCode()`: the tag code a ConsumeQueue unit and a subscription's codeSet hold. */
export function tagHashCode(tag: string): number {
  let h = 0;
  for (let i = 0; i < tag.length; i++) {
    h = (Math.imul(31, h) + tag.charCodeAt(i)) | 0;
  }
  return h;
}

/** Splits a subscription expression such as `"TagA || TagB"`; `*` or empty means all tags. */
export function parseTagExpression(expression: string | undefined): {
  all: boolean;
  tags: string[];
} {
  const text = (expression ?? '').trim();
  if (text === '' || text === '*') return { all: true, tags: [] };
  const tags = text
    .split('||')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  return { all: tags.length === 0, tags: [...new Set(tags)] };
}
