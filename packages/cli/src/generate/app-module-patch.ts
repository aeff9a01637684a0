/** What adding a module to `src/app.module.ts` came to. */
export type AppModulePatch =
  | { status: 'patched'; source: string }
  | { status: 'already-imported' }
  | { status: 'unexpected-shape'; reason: string };

/**
 * Adds `className` to the `imports: [...]` of the file's single `@Module({...})` and an import
 * statement for it. Only the shape `nest new` produces is edited; anything else (several
 * modules, `imports` built elsewhere, a dynamic module) is left to the user.
 */
export function addModuleImport(source: string, className: string, from: string): AppModulePatch {
  const decorators = [...source.matchAll(/@Module\(\s*\{/g)];
  if (decorators.length !== 1) {
    return unexpected(`expected one @Module({ ... }), found ${decorators.length}`);
  }
  const object = decorators[0]!.index + decorators[0]![0].length - 1;
  const open = topLevelArray(source, object, 'imports');
  if (open === undefined) return unexpected('its @Module({ ... }) has no `imports: [...]` array');
  const close = matchingBracket(source, open);
  if (close === undefined) return unexpected('the `imports: [` array is not closed');
  const items = source.slice(open + 1, close);
  if (new RegExp(`\\b${className}\\b`).test(items)) return { status: 'already-imported' };
  const withItem = appendItem(items, className);
  if (withItem === undefined) return unexpected('the `imports` array ends with a comment');
  const patched = source.slice(0, open + 1) + withItem + source.slice(close);
  return { status: 'patched', source: addImportStatement(patched, className, from) };
}

function unexpected(reason: string): AppModulePatch {
  return { status: 'unexpected-shape', reason };
}

/** Index of the `[` of `key: [` among the own properties of the object literal at `object`. */
function topLevelArray(source: string, object: number, key: string): number | undefined {
  const property = new RegExp(`^${key}\\s*:\\s*\\[`);
  let found: number | undefined;
  const end = scanBrackets(source, object, (i, depth) => {
    if (depth !== 1 || found !== undefined || /[\w$]/.test(source[i - 1]!)) return;
    const match = property.exec(source.slice(i, i + key.length + 64));
    if (match) found = i + match[0].length - 1;
  });
  return end === undefined ? undefined : found;
}

/** Index of the `]` closing the `[` at `open`. */
function matchingBracket(source: string, open: number): number | undefined {
  const close = scanBrackets(source, open, () => undefined);
  return close !== undefined && source[close] === ']' ? close : undefined;
}

/**
 * Walks from the bracket at `open` to the one closing it, skipping strings and comments, and
 * calls `visit` with each code position and its bracket depth. Returns the closing index.
 */
function scanBrackets(
  source: string,
  open: number,
  visit: (index: number, depth: number) => void,
): number | undefined {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const skipTo = skipLiteral(source, i);
    if (skipTo !== undefined) {
      i = skipTo;
      continue;
    }
    const c = source[i]!;
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      depth--;
      if (depth === 0) return i;
    } else visit(i, depth);
  }
  return undefined;
}

/** End index of the string or comment starting at `i`, if one does. */
function skipLiteral(source: string, i: number): number | undefined {
  const c = source[i]!;
  if (c === "'" || c === '"' || c === '`') {
    let j = i + 1;
    while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
    return j;
  }
  if (source.startsWith('//', i)) {
    const end = source.indexOf('\n', i);
    return end === -1 ? source.length : end;
  }
  if (source.startsWith('/*', i)) {
    const end = source.indexOf('*/', i + 2);
    return end === -1 ? source.length : end + 1;
  }
  return undefined;
}

/** `[]` -> `[X]`, `[A, B]` -> `[A, B, X]`, one item per line stays one item per line. */
function appendItem(items: string, item: string): string | undefined {
  if (items.trim() === '') return item;
  if (!items.includes('\n')) return items.replace(/^(.*?)(,?)(\s*)$/s, `$1, ${item}$2$3`);
  const trailing = /\s*$/.exec(items)![0];
  const body = items.slice(0, items.length - trailing.length);
  const lastLine = body.slice(body.lastIndexOf('\n') + 1);
  if (lastLine.includes('//') || body.endsWith('*/')) return undefined;
  const indent = /^\s*/.exec(lastLine)![0];
  const trailingComma = body.endsWith(',');
  return `${body}${trailingComma ? '' : ','}\n${indent}${item}${trailingComma ? ',' : ''}${trailing}`;
}

/** After the last top-level import statement (or at the top when there is none). */
function addImportStatement(source: string, className: string, from: string): string {
  const statement = `import { ${className} } from '${from}';`;
  const imports = [...source.matchAll(/^import\s(?:[^;'"]*?from\s*)?['"][^'"]+['"];?[ \t]*$/gm)];
  const last = imports.at(-1);
  if (last === undefined) return `${statement}\n${source}`;
  const end = last.index + last[0].length;
  return `${source.slice(0, end)}\n${statement}${source.slice(end)}`;
}
