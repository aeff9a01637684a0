import { Broker } from '@rocketnest/broker';
import { NameServer } from '@rocketnest/namesrv';
import { jsonLogger } from '@rocketnest/protocol';
import type { ServerOptions } from './options';

export interface RunningServer {
  /** "host:port" of the name server, when this process runs one. */
  namesrvAddr?: string;
  /** "host:port" clients reach the broker at, when this process runs one. */
  brokerAddr?: string;
  /** The broker's Prometheus endpoint, when it serves one (`--metrics-port`). */
  metricsUrl?: string;
  close(): Promise<void>;
}

export async function startNameServer(
  options: ServerOptions,
): Promise<{ server: NameServer; addr: string }> {
  const server = new NameServer({
    host: options.host,
    port: options.namesrvPort,
    logger: jsonLogger('namesrv', options.logLevel),
  });
  const { port } = await server.start();
  return { server, addr: `${displayHost(options.host)}:${port}` };
}

export async function startBroker(
  options: ServerOptions,
  namesrvAddrs: string[],
): Promise<{ broker: Broker; addr: string; metricsUrl?: string }> {
  const broker = new Broker({
    ...options.broker,
    host: options.host,
    port: options.brokerPort,
    advertisedAddress:
      options.advertisedAddress ?? options.broker?.advertisedAddress ?? advertisedFor(options),
    brokerName: options.brokerName,
    clusterName: options.clusterName,
    namesrvAddrs,
    autoCreateTopicEnable: options.autoCreateTopic,
    metricsPort: options.metricsPort ?? options.broker?.metricsPort,
    logger: jsonLogger('broker', options.logLevel),
    store: { ...options.store, dataDir: options.dataDir, flushMode: options.flushMode },
  });
  const port = await broker.start();
  return {
    broker,
    addr: `${broker.advertisedAddress}:${port}`,
    metricsUrl: metricsUrlOf(broker),
  };
}

/** A name server and a broker registered with it, in this process: `rocketnest start`. */
export async function startEmbedded(options: ServerOptions): Promise<RunningServer> {
  const namesrv = await startNameServer(options);
  try {
    const { broker, addr, metricsUrl } = await startBroker(options, [
      namesrv.addr,
      ...options.namesrvAddrs,
    ]);
    return {
      namesrvAddr: namesrv.addr,
      brokerAddr: addr,
      metricsUrl,
      async close() {
        await broker.close();
        await namesrv.server.close();
      },
    };
  } catch (err) {
    await namesrv.server.close();
    throw err;
  }
}

/** Where the broker serves its metrics, if it does. */
function metricsUrlOf(broker: Broker): string | undefined {
  const port = broker.metricsPort;
  const host = displayHost(broker.config.metricsHost ?? broker.config.host);
  return port === undefined ? undefined : `http://${host}:${port}/metrics`;
}

/** `host` when it names one interface; undefined when unset or all interfaces. */
function oneInterface(host: string | undefined): string | undefined {
  return host && host !== '0.0.0.0' && host !== '::' ? host : undefined;
}

/** Clients on this machine reach a server bound to all interfaces (or loopback) at 127.0.0.1. */
function displayHost(host: string | undefined): string {
  return oneInterface(host) ?? '127.0.0.1';
}

function advertisedFor(options: ServerOptions): string | undefined {
  // Bound to one interface: that is the address to advertise. Otherwise the broker picks one.
  return oneInterface(options.host);
}
