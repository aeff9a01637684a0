import { CURRENT_VERSION } from '../codes/mq-version';
import type { LanguageName } from '../codes/language-code';
import type { ExtFields } from '../header/field';

/** Header serialization of a frame: the high byte of the header-length word. */
export const SerializeType = {
  JSON: 0,
  ROCKETMQ: 1,
} as const;
export type SerializeType = (typeof SerializeType)[keyof typeof SerializeType];

/** Bits of the `flag` header field. */
export const CommandFlag = {
  RESPONSE: 0x1,
  ONEWAY: 0x2,
} as const;

/** One remoting frame, request or response: RocketMQ's RemotingCommand. */
export interface RemotingCommand {
  code: number;
  language: LanguageName;
  version: number;
  opaque: number;
  flag: number;
  remark?: string;
  extFields?: ExtFields;
  body?: Buffer;
  serializeType: SerializeType;
}

export function isResponse(cmd: RemotingCommand): boolean {
  return (cmd.flag & CommandFlag.RESPONSE) !== 0;
}

export function isOneway(cmd: RemotingCommand): boolean {
  return (cmd.flag & CommandFlag.ONEWAY) !== 0;
}

let lastOpaque = 0;

/** Request ids: process-wide, increasing, wrapping within the positive int32 range as Java's do. */
export function nextOpaque(): number {
  lastOpaque = lastOpaque >= 0x7fffffff ? 1 : lastOpaque + 1;
  return lastOpaque;
}

export interface CommandOptions {
  extFields?: ExtFields;
  body?: Buffer;
  remark?: string;
  serializeType?: SerializeType;
  oneway?: boolean;
}

export function createRequest(code: number, options: CommandOptions = {}): RemotingCommand {
  return {
    code,
    language: 'JAVA',
    version: CURRENT_VERSION,
    opaque: nextOpaque(),
    flag: options.oneway ? CommandFlag.ONEWAY : 0,
    remark: options.remark,
    extFields: options.extFields,
    body: options.body,
    serializeType: options.serializeType ?? SerializeType.JSON,
  };
}

/** A response to `request`: same opaque and, as Java brokers do, the request's serialization. */
export function createResponse(
  request: Pick<RemotingCommand, 'opaque' | 'serializeType'>,
  code: number,
  options: Omit<CommandOptions, 'serializeType' | 'oneway'> = {},
): RemotingCommand {
  return {
    code,
    language: 'JAVA',
    version: CURRENT_VERSION,
    opaque: request.opaque,
    flag: CommandFlag.RESPONSE,
    remark: options.remark,
    extFields: options.extFields,
    body: options.body,
    serializeType: request.serializeType,
  };
}
