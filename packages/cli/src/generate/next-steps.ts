import type { AppModulePatch } from './app-module-patch';
import type { ServiceNames } from './names';

/** What is left to the user: the AppModule import when not patched, main.ts, the topic. */
export function nextSteps(
  names: ServiceNames,
  patch: AppModulePatch,
  dryRun: boolean,
  main: string | undefined,
): string[] {
  const moduleName = `${names.pascal}Module`;
  return [
    ...appModuleStep(names, patch, dryRun),
    ...(main?.includes('RocketMQServer')
      ? ['src/main.ts already connects a RocketMQServer: its handlers include the new ones.']
      : mainStep(names)),
    `Create the topic (unless the broker auto-creates topics): rocketnest topic create ${names.topic}`,
    `Then inject ${names.pascal}Producer where you send, and edit the handlers of ${names.pascal}Consumer (${moduleName}).`,
  ];
}

function appModuleStep(names: ServiceNames, patch: AppModulePatch, dryRun: boolean): string[] {
  const moduleName = `${names.pascal}Module`;
  if (patch.status === 'patched') {
    return [`${dryRun ? 'would add' : 'added'} ${moduleName} to the imports of src/app.module.ts`];
  }
  if (patch.status === 'already-imported')
    return [`src/app.module.ts already imports ${moduleName}`];
  return [
    `src/app.module.ts left as is (${patch.reason}); add the module to your root module:`,
    `  import { ${moduleName} } from './${names.kebab}/${names.kebab}.module';`,
    `  @Module({ imports: [..., ${moduleName}] })`,
  ];
}

function mainStep(names: ServiceNames): string[] {
  return [
    'In src/main.ts, connect the RocketMQ transport so the handlers run (after NestFactory.create):',
    "  import { RocketMQServer } from '@rocketnest/nestjs';",
    `  app.connectMicroservice({ strategy: new RocketMQServer({ nameServer: process.env.ROCKETNEST_NAMESRV ?? '127.0.0.1:9876', group: '${names.group}' }) });`,
    '  await app.startAllMicroservices(); // before app.listen()',
  ];
}
