import { defineHeader, f, type HeaderOf } from '../header/field';

/** REGISTER_BROKER (103), broker to name server. */
export const RegisterBrokerRequestHeader = defineHeader('RegisterBrokerRequestHeader', {
  brokerName: f.string.required,
  brokerAddr: f.string.required,
  clusterName: f.string.required,
  haServerAddr: f.string.required,
  brokerId: f.long.required,
  heartbeatTimeoutMillis: f.long.optional,
  enableActingMaster: f.bool.optional,
  compressed: f.bool.optional,
  bodyCrc32: f.int.optional,
});
export type RegisterBrokerRequest = HeaderOf<typeof RegisterBrokerRequestHeader.schema>;

export const RegisterBrokerResponseHeader = defineHeader('RegisterBrokerResponseHeader', {
  haServerAddr: f.string.optional,
  masterAddr: f.string.optional,
});

/** UNREGISTER_BROKER (104). */
export const UnregisterBrokerRequestHeader = defineHeader('UnregisterBrokerRequestHeader', {
  brokerName: f.string.required,
  brokerAddr: f.string.required,
  clusterName: f.string.required,
  brokerId: f.long.required,
});

/** GET_ROUTEINFO_BY_TOPIC (105). */
export const GetRouteInfoRequestHeader = defineHeader('GetRouteInfoRequestHeader', {
  topic: f.string.required,
  acceptStandardJsonOnly: f.bool.optional,
});
/** BROKER_HEARTBEAT (904): a 5.x broker keeping its registration alive between registrations. */
export const BrokerHeartbeatRequestHeader = defineHeader('BrokerHeartbeatRequestHeader', {
  clusterName: f.string.required,
  brokerAddr: f.string.required,
  brokerName: f.string.required,
  brokerId: f.long.optional,
});

/** QUERY_DATA_VERSION (322): "do you hold my current topic config?" (body: DataVersion). */
export const QueryDataVersionRequestHeader = defineHeader('QueryDataVersionRequestHeader', {
  brokerName: f.string.required,
  brokerAddr: f.string.required,
  clusterName: f.string.required,
  brokerId: f.long.required,
});

export const QueryDataVersionResponseHeader = defineHeader('QueryDataVersionResponseHeader', {
  changed: f.bool.required,
});
