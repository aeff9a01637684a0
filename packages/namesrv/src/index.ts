export { NameServer } from './name-server';
export { NAME_SERVER_DEFAULTS, type NameServerOptions } from './name-server-options';
export {
  RouteInfoManager,
  MASTER_ID,
  DEFAULT_BROKER_EXPIRY_MS,
  type RouteInfoManagerOptions,
} from './route-info-manager';
export type { BrokerLiveInfo } from './broker-live-info';
export type {
  BrokerRegistration,
  BrokerIdentity,
  RegisterBrokerResult,
} from './broker-registration';
