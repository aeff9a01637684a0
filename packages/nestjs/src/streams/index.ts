export { messageStream, type MessageStreamOptions } from './message-stream';
export { ackAfter, ackAll, acknowledge } from './operators';
export type { StreamMessage } from './stream-message';
