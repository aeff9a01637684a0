import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Fixture {
  origin: string;
  description: string;
  hex: string;
}

/** Loads a captured byte fixture from test/fixtures (see capture-ali-ons.js for their origin). */
export function loadFixture(name: string): Buffer {
  const fixture = JSON.parse(
    readFileSync(join(__dirname, 'fixtures', `${name}.json`), 'utf8'),
  ) as Fixture;
  return Buffer.from(fixture.hex, 'hex');
}

export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/[^0-9a-fA-F]/g, ''), 'hex');
}
