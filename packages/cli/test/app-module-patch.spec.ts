import { addModuleImport } from '../src/generate/app-module-patch';

const add = (source: string) =>
  addModuleImport(source, 'PaymentsModule', './payments/payments.module');

describe('adding a generated module to the AppModule imports', () => {
  it('fills an empty imports array and imports the module after the last import', () => {
    const source = `import { Module } from '@nestjs/common';\n\n@Module({ imports: [] })\nexport class AppModule {}\n`;
    expect(add(source)).toEqual({
      status: 'patched',
      source: `import { Module } from '@nestjs/common';\nimport { PaymentsModule } from './payments/payments.module';\n\n@Module({ imports: [PaymentsModule] })\nexport class AppModule {}\n`,
    });
  });

  it('appends to a one-line array and keeps one item per line in a multi-line one', () => {
    const oneLine = `@Module({\n  imports: [ConfigModule, HttpModule],\n})\nclass AppModule {}`;
    expect(add(oneLine)).toMatchObject({
      source: expect.stringContaining('imports: [ConfigModule, HttpModule, PaymentsModule],'),
    });
    const multiLine = `@Module({\n  imports: [\n    ConfigModule.forRoot(),\n    HttpModule\n  ],\n})\nclass AppModule {}`;
    expect(add(multiLine)).toMatchObject({
      source: expect.stringContaining(
        'imports: [\n    ConfigModule.forRoot(),\n    HttpModule,\n    PaymentsModule\n  ],',
      ),
    });
  });

  it('skips imports nested in other modules options and strings containing brackets', () => {
    const source = [
      `import {`,
      `  Module,`,
      `} from '@nestjs/common';`,
      `@Module({`,
      `  controllers: [AppController], // not "imports: ["`,
      `  imports: [`,
      `    TypeOrmModule.forRootAsync({ imports: [ConfigModule], name: ']' }),`,
      `  ],`,
      `})`,
      `export class AppModule {}`,
    ].join('\n');
    const patched = add(source);
    expect(patched).toMatchObject({
      source: expect.stringContaining(
        `name: ']' }),\n    PaymentsModule,\n  ],\n})\nexport class AppModule {}`,
      ),
    });
    expect(patched).toMatchObject({
      source: expect.stringContaining(
        `} from '@nestjs/common';\nimport { PaymentsModule } from './payments/payments.module';\n@Module`,
      ),
    });
  });

  it('reports a module that is already imported', () => {
    expect(add(`@Module({ imports: [PaymentsModule] })\nclass AppModule {}`)).toEqual({
      status: 'already-imported',
    });
  });

  it.each([
    ['no imports array', `@Module({ controllers: [] })\nclass AppModule {}`],
    ['imports built elsewhere', `@Module({ imports: SHARED })\nclass AppModule {}`],
    [
      'a dynamic module',
      `@Module({})\nclass AppModule { static forRoot() { return { imports: [] }; } }`,
    ],
    ['two modules', `@Module({ imports: [] })\nclass A {}\n@Module({ imports: [] })\nclass B {}`],
    ['an array ending in a comment', `@Module({ imports: [\n  A, // the first\n] })\nclass M {}`],
  ])('leaves %s to the user', (_, source) => {
    expect(add(source)).toMatchObject({ status: 'unexpected-shape' });
  });
});
