import type { RemotingClient } from '@rocketnest/protocol';
import {
  ConnectionError,
  RequestTimeoutError,
  ResponseCode,
  type RemotingCommand,
} from '@rocketnest/protocol';
import { MQBrokerError, MQTimeoutError } from './errors';

/**
 * Invokes `request` on `address` and returns the response, turning a timeout into an
 * MQTimeoutError naming the peer (and topic), and leaving response codes to the caller.
 */
export async function invoke(
  remoting: RemotingClient,
  address: string,
  request: RemotingCommand,
  timeoutMs: number,
  topic?: string,
): Promise<RemotingCommand> {
  try {
    return await remoting.invoke(address, request, timeoutMs);
  } catch (err) {
    if (err instanceof RequestTimeoutError) {
      throw new MQTimeoutError(
        `request ${request.code} to ${address}${topic ? ` for topic ${topic}` : ''} timed out after ${timeoutMs} ms`,
        address,
        topic,
      );
    }
    throw err;
  }
}

/** Like invoke, but any code other than those in `accepted` raises MQBrokerError. */
export async function invokeOk(
  remoting: RemotingClient,
  address: string,
  request: RemotingCommand,
  timeoutMs: number,
  topic?: string,
  accepted: readonly number[] = [ResponseCode.SUCCESS],
): Promise<RemotingCommand> {
  const response = await invoke(remoting, address, request, timeoutMs, topic);
  if (!accepted.includes(response.code)) {
    throw new MQBrokerError(response.code, response.remark, address, topic);
  }
  return response;
}

export function isNetworkError(err: unknown): boolean {
  return err instanceof ConnectionError || err instanceof MQTimeoutError;
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref?.());
