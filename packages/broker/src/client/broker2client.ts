import {
  ConsumerGroupRequestHeader,
  RequestCode,
  createRequest,
  type Logger,
  type RemotingCommand,
  type RemotingConnection,
} from '@rocketnest/protocol';

/**
 * Requests the broker sends to clients over their own connections (RocketMQ's Broker2Client).
 * Always JSON: clients such as ali-ons only parse JSON headers.
 */
export class Broker2Client {
  constructor(
    private readonly logger: Logger,
    private readonly requestTimeoutMs: number,
  ) {}

  /** NOTIFY_CONSUMER_IDS_CHANGED, oneway: the member should rebalance now. */
  notifyConsumerIdsChanged(connection: RemotingConnection, group: string): void {
    const request = createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, {
      extFields: ConsumerGroupRequestHeader.encode({ consumerGroup: group }),
      oneway: true,
    });
    connection.invokeOneway(request).catch((err: unknown) =>
      this.logger.debug('NOTIFY_CONSUMER_IDS_CHANGED not delivered', {
        group,
        client: connection.remoteAddress,
        error: err instanceof Error ? err.message : String(err),
      }),
    );
  }

  /** A request the client must answer (e.g. PUSH_REPLY_MESSAGE_TO_CLIENT). */
  callClient(connection: RemotingConnection, request: RemotingCommand): Promise<RemotingCommand> {
    return connection.invoke(request, this.requestTimeoutMs);
  }
}
