import { Admin } from '@rocketnest/client';
import { RemotingClient, ResponseCode, type TopicRouteData } from '@rocketnest/protocol';
import { BrokerRequests } from './broker-requests';
import { REQUEST_TIMEOUT_MS, namesrvOf, type ClientFlags } from './client-options';
import { explain, topicNotFound } from './errors';

/** What admin commands use: the client's Admin, plus direct requests to brokers. */
export class AdminSession {
  readonly admin: Admin;
  readonly brokers: BrokerRequests;
  private readonly remoting = new RemotingClient({ requestTimeoutMs: REQUEST_TIMEOUT_MS });

  constructor(readonly namesrv: string[]) {
    this.admin = new Admin({ nameServer: namesrv, requestTimeoutMs: REQUEST_TIMEOUT_MS });
    this.brokers = new BrokerRequests(this.remoting, REQUEST_TIMEOUT_MS);
  }

  /** The topic's route, or a "topic does not exist" error. */
  async route(topic: string): Promise<TopicRouteData> {
    try {
      return await this.admin.topicRoute(topic);
    } catch (err) {
      if ((err as { code?: number }).code === ResponseCode.TOPIC_NOT_EXIST)
        throw topicNotFound(topic);
      throw err;
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.admin.close(), this.remoting.close()]);
  }
}

/** Master broker of each broker name in a route. */
export function masters(route: TopicRouteData): { brokerName: string; addr: string }[] {
  return route.brokerDatas
    .map((b) => ({ brokerName: b.brokerName, addr: b.brokerAddrs['0'] ?? '' }))
    .filter((b) => b.addr !== '')
    .sort((a, b) => a.brokerName.localeCompare(b.brokerName));
}

/**
 * Opens a client on the name servers of `flags`, runs `fn` and closes the client; errors come
 * out explained (which server is down, which topic is missing).
 */
export async function withClient<C, T>(
  flags: ClientFlags,
  open: (namesrv: string[]) => C | Promise<C>,
  close: (client: C) => Promise<void>,
  fn: (client: C) => Promise<T>,
): Promise<T> {
  const namesrv = namesrvOf(flags);
  let client: C | undefined;
  try {
    client = await open(namesrv);
    const result = await fn(client);
    await close(client);
    return result;
  } catch (err) {
    // Not awaited: after a failure (often an unreachable server) a graceful close would only
    // delay the error message; the process exits right after printing it.
    if (client !== undefined) close(client).catch(() => undefined);
    throw explain(err, namesrv);
  }
}

export function withAdmin<T>(
  flags: ClientFlags,
  fn: (session: AdminSession) => Promise<T>,
): Promise<T> {
  return withClient(
    flags,
    (namesrv) => new AdminSession(namesrv),
    (s) => s.close(),
    fn,
  );
}
