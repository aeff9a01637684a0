/** `name \x01 value \x02` pairs, as MessageDecoder.messageProperties2String writes them. */
export const NAME_VALUE_SEPARATOR = '\u0001';
export const PROPERTY_SEPARATOR = '\u0002';

export type MessageProperties = Record<string, string>;

const NAME_VALUE_BYTE = NAME_VALUE_SEPARATOR.charCodeAt(0);
const PROPERTY_BYTE = PROPERTY_SEPARATOR.charCodeAt(0);

export function encodeProperties(properties: MessageProperties | undefined): string {
  if (!properties) return '';
  let out = '';
  for (const name in properties) {
    const value = properties[name];
    if (value === undefined || value === null) continue;
    out += name + NAME_VALUE_SEPARATOR + value + PROPERTY_SEPARATOR;
  }
  return out;
}

/**
 * Parses a property string. Like Java's string2messageProperties, items that do not split into
 * exactly a name and a non-empty value are dropped.
 */
export function decodeProperties(text: string | undefined): MessageProperties {
  // No prototype: a property named "__proto__" from the wire stays an ordinary entry.
  const out: MessageProperties = Object.create(null) as MessageProperties;
  if (!text) return out;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf(PROPERTY_SEPARATOR, start);
    if (end < 0) end = text.length;
    const sep = text.indexOf(NAME_VALUE_SEPARATOR, start);
    const next = sep < 0 ? -1 : text.indexOf(NAME_VALUE_SEPARATOR, sep + 1);
    // Exactly one name/value separator in this item, with text on both sides of it.
    if (sep > start && sep < end - 1 && (next < 0 || next > end)) {
      out[text.slice(start, sep)] = text.slice(sep + 1, end);
    }
    start = end + 1;
  }
  return out;
}

/**
 * A copy of `properties` as an ordinary object. Decoded property maps have no prototype, and V8
 * copies those slowly with `{ ...p }` (about 1.3 µs for 7 entries, against 0.35 µs here). A
 * property named "__proto__" is defined as an own entry rather than setting the prototype.
 */
export function copyProperties(properties: MessageProperties): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in properties) {
    if (name === '__proto__') {
      Object.defineProperty(out, name, {
        value: properties[name],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else out[name] = properties[name]!;
  }
  return out;
}

/** Names and values must not contain the separators; returns the first offending entry. */
export function findIllegalProperty(properties: MessageProperties): string | undefined {
  for (const [name, value] of Object.entries(properties)) {
    if (/[\u0001\u0002]/.test(name) || /[\u0001\u0002]/.test(value)) return name;
  }
  return undefined;
}

/**
 * The bytes of `encodeProperties(properties)` in UTF-8 if every name and value is an ASCII string
 * (one byte per character), else -1.
 */
export function asciiPropertiesLength(properties: MessageProperties | undefined): number {
  let length = 0;
  for (const name in properties) {
    const value: unknown = properties[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' || !isAscii(name) || !isAscii(value)) return -1;
    length += name.length + value.length + 2;
  }
  return length;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * Writes what asciiPropertiesLength measured, `name \x01 value \x02` per property, at `pos`:
 * the bytes of encodeProperties without building the string.
 */
export function putAsciiProperties(buf: Buffer, properties: MessageProperties, pos: number): void {
  for (const name in properties) {
    const value = properties[name];
    if (value === undefined || value === null) continue;
    pos = putAscii(buf, name, pos);
    buf[pos++] = NAME_VALUE_BYTE;
    pos = putAscii(buf, value, pos);
    buf[pos++] = PROPERTY_BYTE;
  }
}

function putAscii(buf: Buffer, text: string, pos: number): number {
  for (let i = 0; i < text.length; i++) buf[pos + i] = text.charCodeAt(i);
  return pos + text.length;
}
