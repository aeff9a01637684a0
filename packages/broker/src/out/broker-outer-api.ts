import {
  RegisterBrokerRequestHeader,
  RemotingClient,
  RequestCode,
  ResponseCode,
  UnregisterBrokerRequestHeader,
  bodyCrc,
  createRequest,
  encodeJsonBody,
  type Logger,
  type RegisterBrokerBody,
  type RemotingCommand,
  type TopicConfig,
} from '@rocketnest/protocol';

export interface BrokerIdentity {
  clusterName: string;
  brokerName: string;
  brokerAddr: string;
  brokerId: number;
  haServerAddr: string;
}

export interface TopicConfigSnapshot {
  topics: TopicConfig[];
  dataVersion: { timestamp: number; counter: number };
}

/**
 * The broker's calls to name servers (RocketMQ's BrokerOuterAPI): REGISTER_BROKER with every
 * topic config to each name server, UNREGISTER_BROKER on shutdown. One client keeps a connection
 * per name server open, since a name server drops a broker whose connection closes. A name
 * server that is down is logged and tried again next period; it never fails the broker.
 */
export class BrokerOuterAPI {
  private readonly client: RemotingClient;

  constructor(
    private readonly namesrvAddrs: readonly string[],
    timeoutMs: number,
    private readonly logger: Logger,
  ) {
    this.client = new RemotingClient({
      requestTimeoutMs: timeoutMs,
      connectTimeoutMs: timeoutMs,
      logger,
    });
  }

  /** Registers with every name server in parallel; resolves with the ones that accepted. */
  async registerBrokerAll(
    identity: BrokerIdentity,
    snapshot: TopicConfigSnapshot,
  ): Promise<string[]> {
    const topicConfigTable: Record<string, TopicConfig> = {};
    for (const config of snapshot.topics) topicConfigTable[config.topicName] = config;
    const model: RegisterBrokerBody = {
      topicConfigSerializeWrapper: { topicConfigTable, dataVersion: snapshot.dataVersion },
      filterServerList: [],
    };
    const body = encodeJsonBody(model);
    const extFields = RegisterBrokerRequestHeader.encode({
      ...identity,
      compressed: false,
      bodyCrc32: bodyCrc(body),
    });
    return this.each('REGISTER_BROKER', (addr) =>
      this.client.invoke(addr, createRequest(RequestCode.REGISTER_BROKER, { extFields, body })),
    );
  }

  async unregisterBrokerAll(identity: BrokerIdentity): Promise<string[]> {
    const extFields = UnregisterBrokerRequestHeader.encode(identity);
    return this.each('UNREGISTER_BROKER', (addr) =>
      this.client.invoke(addr, createRequest(RequestCode.UNREGISTER_BROKER, { extFields })),
    );
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private async each(
    what: string,
    call: (addr: string) => Promise<RemotingCommand>,
  ): Promise<string[]> {
    const outcomes = await Promise.all(
      this.namesrvAddrs.map(async (addr) => {
        try {
          const response = await call(addr);
          if (response.code === ResponseCode.SUCCESS) return addr;
          this.logger.warn(`${what} refused by name server`, {
            namesrv: addr,
            code: response.code,
            remark: response.remark,
          });
        } catch (err) {
          this.logger.warn(`${what} failed`, {
            namesrv: addr,
            error: err instanceof Error ? err.message : String(err),
          });
        }
        return undefined;
      }),
    );
    return outcomes.filter((a): a is string => a !== undefined);
  }
}
