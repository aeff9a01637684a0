import { join } from 'node:path';
import type { ServiceNames } from './names';
import { consumerSpecTemplate } from './templates/consumer-spec';
import { consumerTemplate } from './templates/consumer';
import { messagesTemplate } from './templates/messages';
import { moduleTemplate } from './templates/module';
import { producerSpecTemplate } from './templates/producer-spec';
import { producerTemplate } from './templates/producer';

export interface GeneratedFile {
  /** Relative to the app's directory, e.g. `src/payments/payments.module.ts`. */
  path: string;
  content: string;
}

const TEMPLATES: [suffix: string, render: (names: ServiceNames) => string][] = [
  ['messages.ts', messagesTemplate],
  ['module.ts', moduleTemplate],
  ['producer.ts', producerTemplate],
  ['consumer.ts', consumerTemplate],
  ['producer.spec.ts', producerSpecTemplate],
  ['consumer.spec.ts', consumerSpecTemplate],
];

/** The files of one service, under `src/<name>/`. */
export function serviceFiles(names: ServiceNames): GeneratedFile[] {
  return TEMPLATES.map(([suffix, render]) => ({
    path: join('src', names.kebab, `${names.kebab}.${suffix}`),
    content: render(names),
  }));
}
