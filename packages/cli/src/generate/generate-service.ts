import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliError } from '../errors';
import { UsageError } from '../options';
import { addModuleImport, type AppModulePatch } from './app-module-patch';
import { serviceNames, type ServiceNames } from './names';
import { nextSteps } from './next-steps';
import { serviceFiles, type GeneratedFile } from './service-files';

export interface GenerateOptions {
  name: string;
  /** The Nest app's directory (the one with src/). */
  path: string;
  topic?: string;
  group?: string;
  /** Print the files instead of writing anything. */
  dryRun?: boolean;
  /** Overwrite files that exist. */
  force?: boolean;
}

const APP_MODULE = join('src', 'app.module.ts');

/** Writes (or with dryRun prints) a messaging service into an existing Nest app. */
export function generateService(options: GenerateOptions): void {
  const names = serviceNames(options.name, options);
  const appDir = resolve(options.path);
  checkNestApp(appDir);
  const files = serviceFiles(names);
  const existing = new Set(
    files.filter((f) => existsSync(join(appDir, f.path))).map((f) => f.path),
  );
  if (existing.size > 0 && !options.force) {
    throw new CliError(
      `refusing to overwrite ${[...existing].join(', ')} in ${appDir}; pass --force to overwrite`,
    );
  }
  const patch = planAppModulePatch(appDir, names);
  const out: string[] = [];
  for (const file of files) {
    const verb = existing.has(file.path) ? 'overwrite' : 'create';
    if (options.dryRun) out.push(`would ${verb} ${file.path}:`, '', file.content);
    else {
      write(appDir, file);
      out.push(`${verb === 'create' ? 'created' : 'overwrote'} ${file.path}`);
    }
  }
  if (patch.status === 'patched' && !options.dryRun) {
    write(appDir, { path: APP_MODULE, content: patch.source });
  }
  out.push('', ...nextSteps(names, patch, Boolean(options.dryRun), mainSource(appDir)));
  process.stdout.write(`${out.join('\n')}\n`);
}

function checkNestApp(appDir: string): void {
  const src = join(appDir, 'src');
  if (!existsSync(src) || !statSync(src).isDirectory()) {
    throw new UsageError(
      `${appDir} is not a Nest app: it has no src/ directory (run in the app or pass --path)`,
    );
  }
}

function planAppModulePatch(appDir: string, names: ServiceNames): AppModulePatch {
  const file = join(appDir, APP_MODULE);
  if (!existsSync(file)) return { status: 'unexpected-shape', reason: `${APP_MODULE} not found` };
  const from = `./${names.kebab}/${names.kebab}.module`;
  return addModuleImport(readFileSync(file, 'utf8'), `${names.pascal}Module`, from);
}

function mainSource(appDir: string): string | undefined {
  const file = join(appDir, 'src', 'main.ts');
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function write(appDir: string, file: GeneratedFile): void {
  const target = join(appDir, file.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, file.content);
}
