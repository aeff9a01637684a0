import { HeaderFieldError } from '../errors';

/**
 * Custom headers travel as `extFields`, a map of strings. A header is declared once as a schema of
 * typed fields; the schema both encodes (Java `toString` semantics) and decodes (Java `parseX`
 * semantics, `@CFNotNull` checks) it, so a request's fields are named and typed in one place.
 */
export type FieldKind = 'string' | 'int' | 'long' | 'bool';

export interface FieldSpec<K extends FieldKind = FieldKind, R extends boolean = boolean> {
  readonly kind: K;
  readonly required: R;
}

type ValueOf<K extends FieldKind> = K extends 'string'
  ? string
  : K extends 'bool'
    ? boolean
    : number;

export type HeaderSchema = Record<string, FieldSpec>;

type RequiredKeys<S extends HeaderSchema> = {
  [P in keyof S]: S[P]['required'] extends true ? P : never;
}[keyof S];
type OptionalKeys<S extends HeaderSchema> = Exclude<keyof S, RequiredKeys<S>>;

export type HeaderOf<S extends HeaderSchema> = {
  -readonly [P in RequiredKeys<S>]: ValueOf<S[P]['kind']>;
} & {
  -readonly [P in OptionalKeys<S>]?: ValueOf<S[P]['kind']>;
};

export type ExtFields = Record<string, string>;

function field<K extends FieldKind>(kind: K) {
  return {
    required: { kind, required: true } as FieldSpec<K, true>,
    optional: { kind, required: false } as FieldSpec<K, false>,
  };
}

/** Field constructors: `f.string.required`, `f.long.optional`, ... */
export const f = {
  string: field('string'),
  int: field('int'),
  long: field('long'),
  bool: field('bool'),
};

const INT_PATTERN = /^[+-]?\d+$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function parseField(name: string, kind: FieldKind, raw: string): string | number | boolean {
  switch (kind) {
    case 'string':
      return raw;
    case 'bool':
      // Boolean.parseBoolean: "true" in any case is true, anything else false.
      return raw.toLowerCase() === 'true';
    case 'int':
    case 'long': {
      const value = INT_PATTERN.test(raw) ? Number(raw) : NaN;
      const inRange =
        kind === 'int' ? value >= INT32_MIN && value <= INT32_MAX : Number.isSafeInteger(value);
      if (!inRange) {
        throw new HeaderFieldError(`the custom field <${name}> is not a valid ${kind}: "${raw}"`);
      }
      return value;
    }
  }
}

function formatField(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new HeaderFieldError(`cannot encode ${value} as a header field`);
    return Number.isInteger(value) ? value.toFixed(0) : String(value);
  }
  return String(value);
}

export class HeaderCodec<S extends HeaderSchema> {
  private readonly entries: readonly (readonly [string, FieldSpec, string])[];

  /**
   * @param name the Java class name, used in error messages
   * @param wireNames field name -> key on the wire (SEND_MESSAGE_V2 uses single letters)
   */
  constructor(
    readonly name: string,
    readonly schema: S,
    wireNames: Partial<Record<keyof S, string>> = {},
  ) {
    this.entries = Object.entries(schema).map(
      ([key, spec]) => [key, spec, (wireNames as Record<string, string>)[key] ?? key] as const,
    );
  }

  /** The same fields under other keys on the wire, e.g. SendMessageRequestHeaderV2. */
  withWireNames(name: string, wireNames: Record<keyof S, string>): HeaderCodec<S> {
    return new HeaderCodec(name, this.schema, wireNames);
  }

  encode(header: HeaderOf<S>): ExtFields {
    const out: ExtFields = {};
    const values = header as Record<string, unknown>;
    for (const [key, spec, wire] of this.entries) {
      const value = values[key];
      if (value === undefined || value === null) {
        if (spec.required) throw new HeaderFieldError(`the custom field <${key}> is null`);
        continue;
      }
      out[wire] = formatField(value);
    }
    return out;
  }

  decode(extFields: ExtFields | undefined): HeaderOf<S> {
    const out: Record<string, unknown> = {};
    for (const [key, spec, wire] of this.entries) {
      const raw = extFields?.[wire];
      if (raw === undefined) {
        if (spec.required) throw new HeaderFieldError(`the custom field <${key}> is null`);
        continue;
      }
      out[key] = parseField(key, spec.kind, raw);
    }
    return out as HeaderOf<S>;
  }
}

export function defineHeader<S extends HeaderSchema>(name: string, schema: S): HeaderCodec<S> {
  return new HeaderCodec(name, schema);
}
