/**
 * fastjson writes a Map keyed by objects with each key's JSON unquoted:
 * `{{"brokerName":"b","queueId":0,"topic":"t"}:{"maxOffset":3},...}`. RocketMQ's TopicStatsTable
 * and ConsumeStats come that way from every broker; JSON.parse cannot read them.
 */
export function decodeObjectKeyMap<K, V>(text: string, field: string): [K, V][] {
  const start = text.indexOf(`"${field}":`);
  if (start < 0) return [];
  let i = skipSpaces(text, start + field.length + 3);
  if (text[i] !== '{') throw new SyntaxError(`"${field}" is not an object`);
  i = skipSpaces(text, i + 1);
  const entries: [K, V][] = [];
  while (text[i] !== '}') {
    const keyEnd = endOfValue(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as K;
    i = skipSpaces(text, keyEnd);
    if (text[i] !== ':') throw new SyntaxError(`expected ":" at ${i} in "${field}"`);
    const valueStart = skipSpaces(text, i + 1);
    const valueEnd = endOfValue(text, valueStart);
    entries.push([key, JSON.parse(text.slice(valueStart, valueEnd)) as V]);
    i = skipSpaces(text, valueEnd);
    if (text[i] === ',') i = skipSpaces(text, i + 1);
    else if (text[i] !== '}') throw new SyntaxError(`expected "," or "}" at ${i} in "${field}"`);
  }
  return entries;
}

function skipSpaces(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/** The index just past the JSON object, array, string or scalar starting at `i`. */
function endOfValue(text: string, i: number): number {
  let depth = 0;
  let inString = false;
  for (let j = i; j < text.length; j++) {
    const c = text[j]!;
    if (inString) {
      if (c === '\\') j++;
      else if (c === '"') inString = false;
      if (!inString && depth === 0) return j + 1;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth === 0) return j;
      if (--depth === 0) return j + 1;
    } else if (depth === 0 && (c === ',' || c === ':')) return j;
  }
  if (depth > 0 || inString) throw new SyntaxError('unterminated JSON value');
  return text.length;
}
