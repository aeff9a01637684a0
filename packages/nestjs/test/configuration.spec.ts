import { Controller, type Type } from '@nestjs/common';
import { EventPattern, MessagePattern } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { freePort } from '../../../test/support/ports';
import { RocketMQConfigurationError, RocketMQServer } from '../src';
import { CapturingLogger } from './support/nest-app';

@Controller()
class MixedModesController {
  @EventPattern('orders')
  orders(): void {}

  @EventPattern('payments', { orderly: true })
  payments(): void {}
}

@Controller()
class ObjectPatternController {
  @MessagePattern({ cmd: 'sum' })
  sum(): number {
    return 0;
  }
}

async function listen(controller: Type): Promise<void> {
  const moduleRef = await Test.createTestingModule({ controllers: [controller] }).compile();
  const app = moduleRef.createNestMicroservice({
    strategy: new RocketMQServer({ nameServer: `127.0.0.1:${await freePort()}`, group: 'CG' }),
    logger: new CapturingLogger(),
  });
  try {
    await app.listen();
  } finally {
    await app.close();
  }
}

describe('RocketMQServer configuration', () => {
  it('rejects handlers of one group that disagree on how the group consumes', async () => {
    const err = await listen(MixedModesController).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RocketMQConfigurationError);
    expect((err as Error).message).toMatch(/consumer group CG disagree on orderly/);
  });

  it('rejects patterns that are not topics', async () => {
    await expect(listen(ObjectPatternController)).rejects.toThrow(/is not a RocketMQ topic/);
  });
});
