// Runs one ali-ons scenario against a name server and prints what it observed as JSON lines.
// A child process of the interop tests: ali-ons 3.12 never stops its timers after close(), so
// running it in the jest worker would keep the worker alive. Usage:
//   node ali-ons-driver.js <nameSrv> <scenario>
const { Producer, Consumer, Message } = require('ali-ons');

const [nameSrv, scenario] = process.argv.slice(2);
const out = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

// ali-ons asserts an http client (used only for Aliyun's address server, never with nameSrv).
const common = {
  nameSrv,
  httpclient: {},
  persistConsumerOffsetInterval: 500,
  rebalanceInterval: 1000,
};

function view(msg) {
  return {
    body: msg.body.toString(),
    tags: msg.tags,
    keys: msg.keys,
    properties: msg.properties,
    reconsumeTimes: msg.reconsumeTimes,
    msgId: msg.msgId,
    at: Date.now(),
  };
}

async function consumer(group, topic, expression, onMessage, extra = {}) {
  const c = new Consumer({ ...common, consumerGroup: group, ...extra });
  c.on('error', (err) => out({ event: 'consumer-error', message: err.message }));
  c.subscribe(topic, expression, async (msg) => onMessage(msg));
  await c.ready();
  return c;
}

async function producer(group) {
  const p = new Producer({ ...common, producerGroup: group });
  await p.ready();
  return p;
}

function message(topic, tags, body, keys, props = {}) {
  const msg = new Message(topic, tags, body);
  msg.keys = keys;
  Object.assign(msg.properties, props);
  return msg;
}

async function send(p, msg) {
  const r = await p.send(msg);
  out({
    event: 'sent',
    body: msg.body.toString(),
    sendStatus: r.sendStatus,
    msgId: r.msgId,
    at: Date.now(),
  });
}

const scenarios = {
  async tags() {
    await consumer('CID_interop_tags', 'InteropTags', 'TagA || TagB', (m) =>
      out({ event: 'received', ...view(m) }),
    );
    const p = await producer('PID_interop_tags');
    for (let i = 0; i < 12; i++) {
      const tag = ['TagA', 'TagB', 'TagC'][i % 3];
      await send(
        p,
        message('InteropTags', tag, `body-${i}-héllo`, [`order-${i}`, `customer-${i % 2}`], {
          region: 'eu',
          seq: String(i),
        }),
      );
    }
  },
  async retry() {
    await consumer('CID_interop_retry', 'InteropRetry', '*', (m) => {
      out({ event: 'received', ...view(m) });
      if (m.reconsumeTimes === 0) throw new Error('first attempt fails on purpose');
    });
    const p = await producer('PID_interop_retry');
    await send(
      p,
      message('InteropRetry', 'TagR', 'retry-me', ['retry-key'], { attempt: 'original' }),
    );
  },
  async broadcast() {
    for (const instanceName of ['A', 'B']) {
      await consumer(
        'CID_interop_broadcast',
        'InteropBroadcast',
        '*',
        (m) => out({ event: 'received', consumer: instanceName, ...view(m) }),
        {
          isBroadcast: true,
          instanceName,
        },
      );
    }
    const p = await producer('PID_interop_broadcast');
    for (let i = 0; i < 6; i++)
      await send(p, message('InteropBroadcast', 'TagX', `cast-${i}`, [`b-${i}`], { n: String(i) }));
  },
  async delay() {
    await consumer('CID_interop_delay', 'InteropDelay', '*', (m) =>
      out({ event: 'received', ...view(m) }),
    );
    const p = await producer('PID_interop_delay');
    const msg = message('InteropDelay', 'TagD', 'later', ['delay-key'], { why: 'delayed' });
    msg.delayTimeLevel = 2;
    await send(p, msg);
  },
};

scenarios[scenario]().then(
  () => out({ event: 'ready' }),
  (err) => {
    out({ event: 'failed', message: err.stack });
    process.exit(1);
  },
);
