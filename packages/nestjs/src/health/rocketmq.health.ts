import type { OnApplicationShutdown } from '@nestjs/common';
import { Admin, type ClientOptions } from '@rocketnest/client';
import { tcpReachable } from './tcp-reachable';

/** The shape `@nestjs/terminus` expects from an indicator (without importing terminus). */
export type RocketMQHealthResult<Key extends string = string> = Record<
  Key,
  { status: 'up' | 'down'; [detail: string]: unknown }
>;

export interface RocketMQHealthOptions extends ClientOptions {
  /** How long a broker may take to accept a connection (ms). Default 2000. */
  connectTimeoutMs?: number;
}

/** A consumer lag check: down when `group` is more than `maxLag` messages behind on `topics`. */
export interface RocketMQLagCheck {
  group: string;
  topics: string[];
  maxLag: number;
}

/**
 * Health of the RocketMQ cluster for `@nestjs/terminus`: the name server answers, every master
 * broker it lists accepts connections, and optionally a group's lag is under a threshold.
 * `health.check([() => rocketmq.isHealthy('rocketmq', { group, topics, maxLag: 1000 })])`.
 */
export class RocketMQHealthIndicator implements OnApplicationShutdown {
  private readonly admin: Admin;

  constructor(private readonly options: RocketMQHealthOptions) {
    this.admin = new Admin(options);
  }

  async isHealthy<const Key extends string>(
    key: Key,
    lag?: RocketMQLagCheck,
  ): Promise<RocketMQHealthResult<Key>> {
    const result = (status: 'up' | 'down', details: Record<string, unknown>) =>
      ({ [key]: { status, ...details } }) as RocketMQHealthResult<Key>;
    let brokers: Record<string, string>;
    try {
      brokers = await this.masterBrokers();
    } catch (err) {
      return result('down', { message: `name server unreachable: ${String(err)}` });
    }
    const timeoutMs = this.options.connectTimeoutMs ?? 2000;
    const reachable: Record<string, boolean> = {};
    for (const [name, addr] of Object.entries(brokers)) {
      reachable[name] = await tcpReachable(addr, timeoutMs);
    }
    const down = Object.keys(reachable).filter((name) => !reachable[name]);
    if (Object.keys(brokers).length === 0 || down.length > 0) {
      const message =
        down.length > 0 ? `brokers unreachable: ${down.join(', ')}` : 'no broker registered';
      return result('down', { message, brokers: reachable });
    }
    if (!lag) return result('up', { brokers: reachable });
    const total = await this.admin.totalLag(lag.group, lag.topics);
    const details = { brokers: reachable, group: lag.group, lag: total, maxLag: lag.maxLag };
    if (total > lag.maxLag) {
      return result('down', { ...details, message: `group ${lag.group} lags ${total} messages` });
    }
    return result('up', details);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin.close();
  }

  private async masterBrokers(): Promise<Record<string, string>> {
    const info = await this.admin.clusterInfo();
    const out: Record<string, string> = {};
    for (const [name, data] of Object.entries(info.brokerAddrTable)) {
      const master = data.brokerAddrs['0'];
      if (master) out[name] = master;
    }
    return out;
  }
}
