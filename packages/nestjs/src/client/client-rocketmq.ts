import {
  ClientProxy,
  type IncomingResponse,
  type ReadPacket,
  type WritePacket,
} from '@nestjs/microservices';
import { Producer, type Message, type SendResult } from '@rocketnest/client';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../constants';
import { RocketMQRequestSerializer } from '../serializers/rocketmq-request.serializer';
import { RocketMQResponseDeserializer } from '../serializers/rocketmq-response.deserializer';
import type { ClientRocketMQOptions } from './client-rocketmq.options';
import { omit } from '../utils/omit';

/** The values `ClientRocketMQ.status` emits (typed `string`, as `ClientsModule` expects). */
export type RocketMQClientStatus = 'connected' | 'disconnected';

/**
 * A Nest `ClientProxy` over a RocketMQ producer: `emit(topic, data)` publishes and emits the
 * broker's `SendResult`; `send(topic, data)` is a request-reply call answered by a
 * `@MessagePattern(topic)` handler. Wrap data in a `RocketMQRecord` for keys, tags, delays...
 */
export class ClientRocketMQ extends ClientProxy {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;

  constructor(protected readonly options: ClientRocketMQOptions) {
    super();
    this.initializeSerializer(options);
    this.initializeDeserializer(options);
  }

  /** Starts the producer once; every later call returns the same one. */
  connect(): Promise<Producer> {
    this.connecting ??= this.startProducer();
    return this.connecting;
  }

  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = undefined;
    this.producer = undefined;
    if (!connecting) return;
    const producer = await connecting.catch(() => undefined);
    await producer?.shutdown();
    this._status$.next('disconnected');
  }

  unwrap<T = Producer>(): T {
    if (!this.producer) {
      throw new Error('Not initialized. Please call the "connect" method first.');
    }
    return this.producer as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    let active = true;
    const timeoutMs = this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    void (async () => {
      try {
        const reply = await this.connected().request(await this.toMessage(packet), timeoutMs);
        const response = (await this.deserializer.deserialize(reply)) as IncomingResponse;
        if (active) callback(response);
      } catch (err) {
        if (active) callback({ err });
      }
    })();
    return () => {
      active = false;
    };
  }

  protected async dispatchEvent<T = SendResult>(packet: ReadPacket): Promise<T> {
    return (await this.connected().send(await this.toMessage(packet))) as T;
  }

  protected override initializeSerializer(options: ClientRocketMQOptions): void {
    this.serializer = options.serializer ?? new RocketMQRequestSerializer();
  }

  protected override initializeDeserializer(options: ClientRocketMQOptions): void {
    this.deserializer = options.deserializer ?? new RocketMQResponseDeserializer();
  }

  private async startProducer(): Promise<Producer> {
    const producer = new Producer(
      omit(this.options, ['requestTimeoutMs', 'serializer', 'deserializer']),
    );
    try {
      await producer.start();
    } catch (err) {
      this.connecting = undefined;
      throw err;
    }
    this.producer = producer;
    this._status$.next('connected');
    return producer;
  }

  private connected(): Producer {
    if (!this.producer) throw new Error('ClientRocketMQ is closed');
    return this.producer;
  }

  private async toMessage(packet: ReadPacket): Promise<Message> {
    if (typeof packet.pattern !== 'string') {
      throw new TypeError(
        `RocketMQ patterns are topics (strings), got ${JSON.stringify(packet.pattern)}`,
      );
    }
    const fields = (await this.serializer.serialize(packet)) as Omit<Message, 'topic'>;
    return { ...fields, topic: packet.pattern };
  }
}
