import { RemotingError, ResponseCode, responseCodeName } from '@rocketnest/protocol';

/**
 * Raised by the client itself (no route for a topic, an illegal message, a client that is not
 * running). `code` is the RocketMQ response code that best names the cause.
 */
export class MQClientError extends RemotingError {
  constructor(message: string, code: number = ResponseCode.SYSTEM_ERROR) {
    super(message, code);
  }
}

/** A broker answered with an error code: `code` and `remark` are the broker's. */
export class MQBrokerError extends RemotingError {
  constructor(
    code: number,
    readonly remark: string | undefined,
    readonly brokerAddr: string,
    readonly topic?: string,
  ) {
    super(
      `${responseCodeName(code)} (${code}) from broker ${brokerAddr}${topic ? ` for topic ${topic}` : ''}: ${remark ?? ''}`.trim(),
      code,
    );
  }
}

/** A request to a broker or name server did not complete in time; names the peer and the topic. */
export class MQTimeoutError extends RemotingError {
  constructor(
    message: string,
    readonly address: string,
    readonly topic?: string,
  ) {
    super(message, -1006);
  }
}
