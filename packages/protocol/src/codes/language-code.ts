/** LanguageCode: a name in JSON headers, a byte in ROCKETMQ binary headers. */
export const LanguageCode = {
  JAVA: 0,
  CPP: 1,
  DOTNET: 2,
  PYTHON: 3,
  DELPHI: 4,
  ERLANG: 5,
  RUBY: 6,
  OTHER: 7,
  HTTP: 8,
  GO: 9,
  PHP: 10,
  OMS: 11,
  RUST: 12,
  NODE_JS: 13,
} as const;

export type LanguageName = keyof typeof LanguageCode;

const namesByByte = new Map<number, LanguageName>(
  (Object.entries(LanguageCode) as [LanguageName, number][]).map(([name, code]) => [code, name]),
);

export function languageFromByte(code: number): LanguageName {
  return namesByByte.get(code) ?? 'OTHER';
}

export function isLanguageName(name: unknown): name is LanguageName {
  return typeof name === 'string' && name in LanguageCode;
}
