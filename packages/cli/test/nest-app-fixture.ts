import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The monorepo's installed packages: @nestjs/*, @rocketnest/* (workspace links), jest, swc. */
export const ROOT_NODE_MODULES = join(__dirname, '..', '..', '..', 'node_modules');

/** The root module exactly as `nest new` writes it. */
export const NEST_NEW_APP_MODULE = `import { Module } from '@nestjs/common';
import { AppController } from './app.controller';
import { AppService } from './app.service';

@Module({
  imports: [],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
`;

/** `nest new`'s tsconfig.json, with `strict` so the generated code also passes strict apps. */
const TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    resolvePackageJsonExports: true,
    esModuleInterop: true,
    isolatedModules: true,
    declaration: true,
    removeComments: true,
    emitDecoratorMetadata: true,
    experimentalDecorators: true,
    allowSyntheticDefaultImports: true,
    target: 'ES2023',
    sourceMap: true,
    outDir: './dist',
    baseUrl: './',
    skipLibCheck: true,
    strict: true,
    forceConsistentCasingInFileNames: true,
  },
};

/** `nest new`'s jest setup, with @swc/jest (installed here) in place of ts-jest. */
const JEST_CONFIG = `module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testRegex: '.*\\\\.spec\\\\.ts$',
  transform: {
    '^.+\\\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
        module: { type: 'commonjs' },
      },
    ],
  },
};
`;

const FILES: Record<string, string> = {
  'package.json': `${JSON.stringify(
    {
      name: 'fresh-app',
      version: '0.0.1',
      private: true,
      dependencies: {
        '@nestjs/common': '^11.0.1',
        '@nestjs/core': '^11.0.1',
        '@nestjs/microservices': '^11.0.1',
        '@rocketnest/client': '^0.1.0',
        '@rocketnest/nestjs': '^0.1.0',
        'reflect-metadata': '^0.2.2',
        rxjs: '^7.8.1',
      },
    },
    null,
    2,
  )}\n`,
  'tsconfig.json': `${JSON.stringify(TSCONFIG, null, 2)}\n`,
  'jest.config.js': JEST_CONFIG,
  'src/app.module.ts': NEST_NEW_APP_MODULE,
  'src/app.controller.ts': `import { Controller, Get } from '@nestjs/common';
import { AppService } from './app.service';

@Controller()
export class AppController {
  constructor(private readonly appService: AppService) {}

  @Get()
  getHello(): string {
    return this.appService.getHello();
  }
}
`,
  'src/app.service.ts': `import { Injectable } from '@nestjs/common';

@Injectable()
export class AppService {
  getHello(): string {
    return 'Hello World!';
  }
}
`,
  'src/main.ts': `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  await app.listen(process.env.PORT ?? 3000);
}
bootstrap();
`,
};

/**
 * Writes a fresh `nest new`-shaped app into `dir`. Its node_modules is a link to the monorepo's,
 * so it builds and tests without a network install.
 */
export function createNestApp(dir: string, overrides: Record<string, string> = {}): string {
  for (const [path, content] of Object.entries({ ...FILES, ...overrides })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  symlinkSync(ROOT_NODE_MODULES, join(dir, 'node_modules'), 'dir');
  return dir;
}
