import {
  createResponse,
  encodeJsonBody,
  GetRouteInfoRequestHeader,
  RemotingError,
  RequestCode,
  ResponseCode,
  type RemotingCommand,
  type RemotingConnection,
  type RemotingServer,
} from '@rocketnest/protocol';
import type { RouteInfoManager } from '../route-info-manager';

/**
 * GET_ROUTEINFO_BY_TOPIC, after RocketMQ's ClientRequestProcessor. The route is always standard
 * JSON (quoted `brokerAddrs` keys): RocketMQ switches to it for clients >= 4.9.4, and older Java
 * clients (fastjson) and ali-ons (JSON2) parse it as well, so one format serves everyone.
 */
export class ClientRequestProcessor {
  constructor(private readonly routes: RouteInfoManager<RemotingConnection>) {}

  registerTo(server: RemotingServer): void {
    server.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, (req) =>
      this.getRouteInfoByTopic(req),
    );
  }

  getRouteInfoByTopic(request: RemotingCommand): RemotingCommand {
    const { topic } = GetRouteInfoRequestHeader.decode(request.extFields);
    const route = this.routes.pickupTopicRouteData(topic);
    if (!route) {
      // Producers take code 17 as "fall back to the TBW102 route" (broker-side auto-create).
      throw new RemotingError(
        `No topic route info in name server for the topic: ${topic}`,
        ResponseCode.TOPIC_NOT_EXIST,
      );
    }
    return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody(route) });
  }
}
