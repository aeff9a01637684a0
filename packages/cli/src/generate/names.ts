import { UsageError } from '../options';

/** The names one generated service uses, all derived from its kebab-case name. */
export interface ServiceNames {
  /** `order-events`: the folder, the file prefix, the default topic. */
  kebab: string;
  /** `OrderEvents`: class names (`OrderEventsModule`, `OrderEventsProducer`...). */
  pascal: string;
  /** `ORDER_EVENTS`: constant names. */
  constant: string;
  topic: string;
  /** Base consumer group; the orderly and idempotent handlers add a suffix. */
  group: string;
}

const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** RocketMQ's rule for topic and group names (TopicValidator): letters, digits, `%|_-`. */
const ROCKETMQ_NAME = /^[%|a-zA-Z0-9_-]{1,127}$/;
/** `app` would generate a second AppModule. */
const RESERVED = new Set(['app']);

export function serviceNames(
  name: string,
  options: { topic?: string; group?: string },
): ServiceNames {
  if (!KEBAB_CASE.test(name))
    throw new UsageError(
      `the name must be kebab-case (lowercase letters, digits and single dashes, starting with a letter, e.g. "order-events"), got "${name}"`,
    );
  if (RESERVED.has(name)) throw new UsageError(`"${name}" is reserved; choose another name`);
  const topic = rocketmqName(options.topic ?? name, '--topic');
  // The orderly and idempotent handlers' groups are the base group plus a suffix.
  const group = rocketmqName(
    options.group ?? `${name}-consumer`,
    '--group',
    127 - '-idempotent'.length,
  );
  return { kebab: name, pascal: pascalCase(name), constant: constantCase(name), topic, group };
}

function rocketmqName(value: string, flag: string, maxLength = 127): string {
  if (!ROCKETMQ_NAME.test(value) || value.length > maxLength)
    throw new UsageError(
      `${flag} must be 1-${maxLength} characters of letters, digits, "%", "|", "_" and "-", got "${value}"`,
    );
  return value;
}

function pascalCase(kebab: string): string {
  return kebab
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

function constantCase(kebab: string): string {
  return kebab.replace(/-/g, '_').toUpperCase();
}
