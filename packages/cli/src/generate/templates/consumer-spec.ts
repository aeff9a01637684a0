import type { ServiceNames } from '../names';

/**
 * `<name>.consumer.spec.ts`: calls the handlers as the transport would; the idempotent one
 * through the real @Idempotent() interceptor over an in-memory SQLite table.
 */
export function consumerSpecTemplate(n: ServiceNames): string {
  return `import { Logger, type CallHandler } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { Test, type TestingModule } from '@nestjs/testing';
import type { ConsumedMessage, Producer, PushConsumer } from '@rocketnest/client';
import {
  IdempotencyInterceptor,
  IdempotencyModule,
  RocketMQContext,
  RocketMQDeadLetterException,
  SqliteIdempotencyStore,
} from '@rocketnest/nestjs';
import { defer, lastValueFrom } from 'rxjs';
import { ${n.pascal}Consumer } from './${n.kebab}.consumer';
import {
  ${n.constant}_TOPIC,
  ${n.pascal}Groups,
  type ${n.pascal}Message,
} from './${n.kebab}.messages';

describe('${n.pascal}Consumer', () => {
  let moduleRef: TestingModule;
  let consumer: ${n.pascal}Consumer;
  let logged: string[];

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      // In memory: every test starts with no key handled.
      imports: [
        IdempotencyModule.forRoot({ store: new SqliteIdempotencyStore({ filename: ':memory:' }) }),
      ],
      controllers: [${n.pascal}Consumer],
    }).compile();
    await moduleRef.init();
    consumer = moduleRef.get(${n.pascal}Consumer);
    logged = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation((line: unknown) => {
      logged.push(String(line));
    });
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await moduleRef.close();
  });

  const message = (id: string, type: string): ${n.pascal}Message => ({
    id,
    type,
    occurredAt: '2030-01-01T00:00:00.000Z',
  });

  /** What the transport passes as @Ctx(): the message as the broker delivered it. */
  function contextOf(body: ${n.pascal}Message, group: string, reconsumeTimes = 0): RocketMQContext {
    const consumed: ConsumedMessage = {
      msgId: \`msg-\${body.id}-\${body.type}-\${reconsumeTimes}\`,
      offsetMsgId: '',
      topic: ${n.constant}_TOPIC,
      tags: body.type,
      keys: [body.id],
      properties: {},
      body: Buffer.from(JSON.stringify(body)),
      queueId: 0,
      queueOffset: 0,
      brokerName: 'broker-a',
      reconsumeTimes,
      bornTimestamp: Date.now(),
      storeTimestamp: Date.now(),
      commitLogOffset: 0,
      pulledFrom: ${n.constant}_TOPIC,
    };
    // The handlers do not use the clients behind the context.
    return new RocketMQContext([consumed, group, {} as PushConsumer, {} as Producer]);
  }

  /** Delivers to onEventOnce as the transport does: through its @Idempotent() interceptor. */
  async function deliverOnce(body: ${n.pascal}Message, reconsumeTimes = 0): Promise<void> {
    const ctx = contextOf(body, ${n.pascal}Groups.idempotent, reconsumeTimes);
    const execution = new ExecutionContextHost(
      [body, ctx],
      ${n.pascal}Consumer,
      consumer.onEventOnce,
    );
    execution.setType('rpc');
    const next: CallHandler = { handle: () => defer(async () => consumer.onEventOnce(body)) };
    const interceptor = moduleRef.get(IdempotencyInterceptor);
    await lastValueFrom(interceptor.intercept(execution, next), { defaultValue: undefined });
  }

  it('handles an event and logs its message id and delivery count', () => {
    const body = message('a-1', 'created');

    consumer.onEvent(body, contextOf(body, ${n.pascal}Groups.events, 1));

    expect(logged).toEqual(['created a-1 (msgId msg-a-1-created-1, delivery 2)']);
  });

  it('handles the events of one id in the order they arrive', () => {
    consumer.onOrderedEvent(message('a-1', 'created'));
    consumer.onOrderedEvent(message('a-1', 'updated'));

    expect(logged).toEqual(['in order: a-1 created', 'in order: a-1 updated']);
  });

  it('runs the idempotent handler once per id and type, even when a message arrives twice', async () => {
    await deliverOnce(message('a-1', 'created'));
    await deliverOnce(message('a-1', 'created'), 1);
    await deliverOnce(message('a-1', 'updated'));

    expect(logged.filter((line) => line.startsWith('once:'))).toEqual([
      'once: a-1 created',
      'once: a-1 updated',
    ]);
  });

  it('sends a message without an id straight to the dead-letter queue', () => {
    const invalid = { type: 'created' } as ${n.pascal}Message;

    expect(() => consumer.onEvent(invalid, contextOf(invalid, ${n.pascal}Groups.events))).toThrow(
      RocketMQDeadLetterException,
    );
    expect(() => consumer.onOrderedEvent(invalid)).toThrow(RocketMQDeadLetterException);
    expect(() => consumer.onEventOnce(invalid)).toThrow(RocketMQDeadLetterException);
  });
});
`;
}
