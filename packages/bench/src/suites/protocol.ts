import {
  FrameDecoder,
  RequestCode,
  SendMessageRequestHeaderV2,
  createRequest,
  decodeMessageRecords,
  encodeFrame,
  encodeMessageRecord,
  encodeProperties,
  messageRecord,
  sendHeaderCodecFor,
  type MessageRecord,
} from '@rocketnest/protocol';
import { measure } from '../measure';
import type { Row } from '../report';

const BODY = Buffer.alloc(1024, 'x');
const PROPERTIES = {
  TAGS: 'TagA',
  KEYS: 'order-1001',
  UNIQ_KEY: '7F0000011F9C18B4AAC2672B3CA00000',
  WAIT: 'true',
};

function sendHeader() {
  return {
    producerGroup: 'PID_ORDERS',
    topic: 'TopicTest',
    defaultTopic: 'TBW102',
    defaultTopicQueueNums: 4,
    queueId: 3,
    sysFlag: 0,
    bornTimestamp: Date.now(),
    flag: 0,
    properties: encodeProperties(PROPERTIES),
    reconsumeTimes: 0,
    unitMode: false,
  };
}

/** Ours: build the V2 header, frame it, then split the frame off a stream and decode the header. */
function sendRoundTrip(): number {
  const request = createRequest(RequestCode.SEND_MESSAGE_V2, {
    extFields: SendMessageRequestHeaderV2.encode(sendHeader()),
    body: BODY,
  });
  const frame = encodeFrame(request);
  const [decoded] = new FrameDecoder().push(frame);
  const header = sendHeaderCodecFor(decoded!.code).decode(decoded!.extFields);
  return frame.length + header.queueId;
}

/** Baseline: the same fields and body through JSON.stringify + Buffer.from, and back. */
function sendBaseline(): number {
  const bytes = Buffer.from(
    JSON.stringify({ code: 310, header: sendHeader(), body: BODY.toString('latin1') }),
  );
  const parsed = JSON.parse(bytes.toString()) as { header: { queueId: number } };
  return bytes.length + parsed.header.queueId;
}

function pullRecords(): MessageRecord[] {
  return Array.from({ length: 32 }, (_, i) =>
    messageRecord({
      topic: 'TopicTest',
      body: BODY,
      properties: PROPERTIES,
      queueId: 3,
      queueOffset: 1000 + i,
      commitLogOffset: 1_000_000 + i * 1200,
      bornTimestamp: 1700000000000,
      bornHost: { address: '127.0.0.1', port: 50000 },
      storeTimestamp: 1700000000001,
      storeHost: { address: '127.0.0.1', port: 10911 },
    }),
  );
}

export async function runProtocol(durationMs: number): Promise<Row[]> {
  const records = pullRecords();
  const pullBody = Buffer.concat(records.map(encodeMessageRecord));
  const sendBytes = encodeFrame(
    createRequest(RequestCode.SEND_MESSAGE_V2, {
      extFields: SendMessageRequestHeaderV2.encode(sendHeader()),
      body: BODY,
    }),
  ).length;

  const send = measure(sendRoundTrip, durationMs);
  const sendBase = measure(sendBaseline, durationMs);
  const pull = measure(
    () => decodeMessageRecords(Buffer.concat(records.map(encodeMessageRecord))).length,
    durationMs,
  );
  const pullBase = measure(() => {
    const bytes = Buffer.from(
      JSON.stringify(records.map((r) => ({ ...r, body: r.body.toString('latin1') }))),
    );
    return (JSON.parse(bytes.toString()) as unknown[]).length;
  }, durationMs);

  const mb = (ops: number, bytes: number) => (ops * bytes) / 1e6;
  return [
    {
      suite: 'protocol',
      scenario: 'SEND_MESSAGE_V2 1 KiB encode+decode',
      system: 'rocketnest',
      msgsPerSec: send.opsPerSec,
      mbPerSec: mb(send.opsPerSec, sendBytes),
      ratio: send.opsPerSec / sendBase.opsPerSec,
    },
    {
      suite: 'protocol',
      scenario: 'SEND_MESSAGE_V2 1 KiB encode+decode',
      system: 'baseline JSON.stringify+Buffer.from',
      msgsPerSec: sendBase.opsPerSec,
      mbPerSec: mb(sendBase.opsPerSec, sendBytes),
      ratio: 1,
    },
    {
      suite: 'protocol',
      scenario: 'pull body 32 x 1 KiB encode+decode',
      system: 'rocketnest',
      msgsPerSec: pull.opsPerSec * 32,
      mbPerSec: mb(pull.opsPerSec, pullBody.length),
      ratio: pull.opsPerSec / pullBase.opsPerSec,
      note: 'ops/s counts messages; CRC-checked',
    },
    {
      suite: 'protocol',
      scenario: 'pull body 32 x 1 KiB encode+decode',
      system: 'baseline JSON.stringify+Buffer.from',
      msgsPerSec: pullBase.opsPerSec * 32,
      mbPerSec: mb(pullBase.opsPerSec, pullBody.length),
      ratio: 1,
    },
  ];
}
