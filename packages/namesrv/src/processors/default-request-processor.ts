import {
  createResponse,
  decodeJsonBody,
  DeleteTopicFromNamesrvRequestHeader,
  encodeJsonBody,
  GetTopicsByClusterRequestHeader,
  RegisterBrokerRequestHeader,
  RegisterBrokerResponseHeader,
  RemotingError,
  RequestCode,
  ResponseCode,
  UnregisterBrokerRequestHeader,
  type Logger,
  type RemotingCommand,
  type RemotingConnection,
  type RemotingServer,
  BrokerHeartbeatRequestHeader,
  QueryDataVersionRequestHeader,
  QueryDataVersionResponseHeader,
  bodyCrc,
} from '@rocketnest/protocol';
import { decodeDataVersion } from '../register-body-fields';
import { decodeRegisterBrokerBody } from '../register-broker-body';
import type { RouteInfoManager } from '../route-info-manager';

/**
 * The broker-facing and admin requests of the name server, after RocketMQ's
 * DefaultRequestProcessor. Errors are thrown as RemotingError and become responses with their
 * code; the connection stays open for the next request.
 */
export class DefaultRequestProcessor {
  constructor(
    private readonly routes: RouteInfoManager<RemotingConnection>,
    private readonly now: () => number,
    private readonly logger: Logger,
  ) {}

  registerTo(server: RemotingServer): void {
    server
      .registerProcessor(RequestCode.REGISTER_BROKER, (req, conn) => this.registerBroker(req, conn))
      .registerProcessor(RequestCode.UNREGISTER_BROKER, (req) => this.unregisterBroker(req))
      .registerProcessor(RequestCode.BROKER_HEARTBEAT, (req) => this.brokerHeartbeat(req))
      .registerProcessor(RequestCode.QUERY_DATA_VERSION, (req) => this.queryDataVersion(req))
      .registerProcessor(RequestCode.GET_BROKER_CLUSTER_INFO, (req) =>
        this.success(req, this.routes.getAllClusterInfo()),
      )
      .registerProcessor(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, (req) =>
        this.success(req, this.routes.getAllTopicList()),
      )
      .registerProcessor(RequestCode.GET_TOPICS_BY_CLUSTER, (req) => this.getTopicsByCluster(req))
      .registerProcessor(RequestCode.DELETE_TOPIC_IN_NAMESRV, (req) => this.deleteTopic(req));
  }

  registerBroker(request: RemotingCommand, connection: RemotingConnection): RemotingCommand {
    const header = RegisterBrokerRequestHeader.decode(request.extFields);
    const expectedCrc = header.bodyCrc32 ?? 0;
    if (expectedCrc !== 0) {
      const actualCrc = request.body ? bodyCrc(request.body) : 0;
      if (actualCrc !== expectedCrc) {
        this.logger.warn('REGISTER_BROKER body crc32 mismatch', {
          remote: connection.remoteAddress,
          brokerAddr: header.brokerAddr,
          expected: expectedCrc,
          actual: actualCrc,
        });
        // RocketMQ's remark is "crc32 not match"; the numbers say which side is wrong.
        throw new RemotingError(
          `crc32 not match: header bodyCrc32 ${expectedCrc}, body crc32 ${actualCrc}`,
          ResponseCode.SYSTEM_ERROR,
        );
      }
    }
    const body = decodeRegisterBrokerBody(request.body, header.compressed === true, this.now());
    const result = this.routes.registerBroker({
      clusterName: header.clusterName,
      brokerName: header.brokerName,
      brokerAddr: header.brokerAddr,
      brokerId: header.brokerId,
      haServerAddr: header.haServerAddr,
      heartbeatTimeoutMillis: header.heartbeatTimeoutMillis,
      topicConfigTable: body.topicConfigTable,
      dataVersion: body.dataVersion,
      channel: connection,
    });
    return createResponse(request, ResponseCode.SUCCESS, {
      extFields: RegisterBrokerResponseHeader.encode(result),
    });
  }

  unregisterBroker(request: RemotingCommand): RemotingCommand {
    this.routes.unregisterBroker(UnregisterBrokerRequestHeader.decode(request.extFields));
    return createResponse(request, ResponseCode.SUCCESS);
  }

  brokerHeartbeat(request: RemotingCommand): RemotingCommand {
    const header = BrokerHeartbeatRequestHeader.decode(request.extFields);
    this.routes.updateBrokerInfoUpdateTimestamp(header.clusterName, header.brokerAddr);
    return createResponse(request, ResponseCode.SUCCESS);
  }

  /**
   * Brokers with `forceRegister=false` ask before re-sending their topics; the question keeps
   * them alive as a registration would.
   */
  queryDataVersion(request: RemotingCommand): RemotingCommand {
    const { clusterName, brokerAddr } = QueryDataVersionRequestHeader.decode(request.extFields);
    const raw = request.body?.length ? decodeJsonBody<unknown>(request.body, 'DataVersion') : null;
    const brokerVersion = decodeDataVersion(raw, this.now());
    const changed = this.routes.isBrokerTopicConfigChanged(clusterName, brokerAddr, brokerVersion);
    this.routes.updateBrokerInfoUpdateTimestamp(clusterName, brokerAddr);
    const known = this.routes.queryBrokerTopicConfig(clusterName, brokerAddr);
    return createResponse(request, ResponseCode.SUCCESS, {
      extFields: QueryDataVersionResponseHeader.encode({ changed }),
      body: known ? encodeJsonBody(known) : undefined,
    });
  }

  getTopicsByCluster(request: RemotingCommand): RemotingCommand {
    const { cluster } = GetTopicsByClusterRequestHeader.decode(request.extFields);
    return this.success(request, this.routes.getTopicsByCluster(cluster));
  }

  deleteTopic(request: RemotingCommand): RemotingCommand {
    const { topic, clusterName } = DeleteTopicFromNamesrvRequestHeader.decode(request.extFields);
    // An empty clusterName means every cluster, as in RocketMQ.
    const changed = this.routes.deleteTopic(topic, clusterName || undefined);
    this.logger.info('topic deleted', { topic, clusterName, changed });
    return createResponse(request, ResponseCode.SUCCESS);
  }

  private success(request: RemotingCommand, body: unknown): RemotingCommand {
    return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody(body) });
  }
}
