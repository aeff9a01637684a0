import { ConnectionError, RequestTimeoutError, ResponseCode } from '@rocketnest/protocol';
import { MQClientError, MQTimeoutError } from '@rocketnest/client';

/** A runtime failure with a message meant for the user as is (exit code 1). */
export class CliError extends Error {}

/**
 * Rewrites the client's errors for people at a terminal: which server (name server or broker,
 * and its address) could not be reached, or which topic does not exist.
 */
export function explain(err: unknown, namesrv: readonly string[]): unknown {
  if (
    err instanceof ConnectionError ||
    err instanceof MQTimeoutError ||
    err instanceof RequestTimeoutError
  ) {
    const addr = err.address;
    if (namesrv.includes(addr)) {
      return new CliError(
        `cannot reach the name server at ${addr} (${err.message}); is it running? ` +
          'Point -n/--namesrv or ROCKETNEST_NAMESRV at a running one.',
      );
    }
    return new CliError(`cannot reach the broker at ${addr} (${err.message})`);
  }
  if (err instanceof MQClientError && err.code === ResponseCode.TOPIC_NOT_EXIST) {
    const topic = /topic (\S+)/.exec(err.message)?.[1];
    return new CliError(topic ? `topic ${topic} does not exist` : err.message);
  }
  return err;
}

export function topicNotFound(topic: string): CliError {
  return new CliError(`topic ${topic} does not exist`);
}
