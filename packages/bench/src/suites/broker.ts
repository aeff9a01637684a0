import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  CreateTopicRequestHeader,
  PullMessageRequestHeader,
  PullSysFlag,
  RemotingClient,
  RequestCode,
  ResponseCode,
  SendMessageRequestHeaderV2,
  createRequest,
  encodeProperties,
  type RemotingCommand,
} from '@rocketnest/protocol';
import { percentile } from '../measure';
import { startChild, startEmbeddedServer } from '../processes';
import type { Row } from '../report';

const BODY = Buffer.alloc(1024, 'x');

function sendRequest(topic: string, queueId: number): RemotingCommand {
  return createRequest(RequestCode.SEND_MESSAGE_V2, {
    extFields: SendMessageRequestHeaderV2.encode({
      producerGroup: 'PID_bench',
      topic,
      defaultTopic: 'TBW102',
      defaultTopicQueueNums: 8,
      queueId,
      sysFlag: 0,
      bornTimestamp: Date.now(),
      flag: 0,
      properties: encodeProperties({ TAGS: 'bench', WAIT: 'true' }),
    }),
    body: BODY,
  });
}

/** Sends `total` messages keeping `inFlight` outstanding; returns msgs/s. */
export async function produce(
  client: RemotingClient,
  addr: string,
  topic: string,
  total: number,
  inFlight: number,
): Promise<number> {
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const res = await client.invoke(addr, sendRequest(topic, i % 8), 10_000);
      if (res.code !== ResponseCode.SUCCESS)
        throw new Error(`send failed: ${res.code} ${res.remark}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (total * 1000) / (performance.now() - start);
}

/**
 * A pull held at the queue's end (long polling), then a send: the time from the send's start
 * to the pull's answer, beside the send's own round trip.
 */
async function wakeUpLatency(
  consumer: RemotingClient,
  producer: RemotingClient,
  addr: string,
  topic: string,
  rounds: number,
) {
  const wake: number[] = [];
  const rtt: number[] = [];
  let offset = 0;
  for (let i = 0; i < rounds; i++) {
    const pull = consumer.invoke(
      addr,
      createRequest(RequestCode.PULL_MESSAGE, {
        extFields: PullMessageRequestHeader.encode({
          consumerGroup: 'CID_bench',
          topic,
          queueId: 0,
          queueOffset: offset,
          maxMsgNums: 32,
          sysFlag: PullSysFlag.SUSPEND | PullSysFlag.SUBSCRIPTION,
          commitOffset: 0,
          suspendTimeoutMillis: 15_000,
          subscription: '*',
          subVersion: 0,
        }),
      }),
      20_000,
    );
    await new Promise((r) => setTimeout(r, 5)); // let the pull be held
    const sentAt = performance.now();
    const sent = producer
      .invoke(addr, sendRequest(topic, 0))
      .then(() => performance.now() - sentAt);
    const res = await pull;
    wake.push(performance.now() - sentAt);
    rtt.push(await sent);
    if (res.code !== ResponseCode.SUCCESS)
      throw new Error(`pull answered ${res.code} ${res.remark}`);
    offset = Number(res.extFields?.nextBeginOffset);
  }
  wake.sort((a, b) => a - b);
  rtt.sort((a, b) => a - b);
  return { wake, rtt };
}

export async function runBroker(durationMs: number): Promise<Row[]> {
  const quick = durationMs < 1000;
  const total = quick ? 20_000 : 100_000;
  const rounds = quick ? 100 : 500;
  const server = await startEmbeddedServer();
  const echo = await startChild(join(__dirname, '..', 'echo-server.js'), [], /listening on (\S+)/);
  const client = new RemotingClient();
  const consumer = new RemotingClient();
  try {
    const broker = server.broker;
    for (const topic of ['BenchProduce', 'BenchWake']) {
      const extFields = CreateTopicRequestHeader.encode({
        topic,
        defaultTopic: 'TBW102',
        readQueueNums: 8,
        writeQueueNums: 8,
        perm: 6,
        topicFilterType: 'SINGLE_TAG',
        order: false,
      });
      await client.invoke(
        broker,
        createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, { extFields }),
      );
    }
    await produce(client, broker, 'BenchProduce', Math.min(5000, total), 256); // warm-up
    const brokerRate = await produce(client, broker, 'BenchProduce', total, 256);
    const echoRate = await produce(client, echo.match[1]!, 'BenchProduce', total, 256);
    const { wake, rtt } = await wakeUpLatency(consumer, client, broker, 'BenchWake', rounds);
    const mb = (rate: number) => (rate * BODY.length) / 1e6;
    return [
      {
        suite: 'broker',
        scenario: 'produce 1 KiB, async flush, 256 in flight',
        system: 'rocketnest broker (child process)',
        msgsPerSec: brokerRate,
        mbPerSec: mb(brokerRate),
        ratio: brokerRate / echoRate,
      },
      {
        suite: 'broker',
        scenario: 'produce 1 KiB, async flush, 256 in flight',
        system: 'protocol-only echo server (no store)',
        msgsPerSec: echoRate,
        mbPerSec: mb(echoRate),
        ratio: 1,
      },
      {
        suite: 'broker',
        scenario: `held-pull wake-up latency (${rounds} rounds)`,
        system: 'rocketnest broker',
        note: `p50 ${percentile(wake, 50).toFixed(2)} ms, p99 ${percentile(wake, 99).toFixed(2)} ms (send round trip p50 ${percentile(rtt, 50).toFixed(2)} ms, p99 ${percentile(rtt, 99).toFixed(2)} ms)`,
      },
    ];
  } finally {
    await client.close();
    await consumer.close();
    await echo.stop();
    await server.stop();
  }
}
