import { Inject } from '@nestjs/common';

const DEFAULT_PRODUCER = 'default';

/** The injection token of the producer `name` registered with `RocketMQModule.forRoot`. */
export function getProducerToken(name: string = DEFAULT_PRODUCER): string {
  return `RocketMQProducer:${name}`;
}

/** Injects the (named) `Producer` of `RocketMQModule.forRoot({ name })`. */
export const InjectProducer = (name?: string): ParameterDecorator & PropertyDecorator =>
  Inject(getProducerToken(name));
