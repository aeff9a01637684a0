import {
  MessageProperty,
  decodeMessageRecord,
  parseOffsetMessageId,
  type MessageExt,
} from '@rocketnest/protocol';
import type { BrokerContext } from '../broker-context';
import { committedLag, retainedMessages } from '../metrics/backlog';

/**
 * A small read-only web console (ARCHITECTURE's "topics, groups, lag and messages"), served next
 * to /metrics: server-rendered HTML, no script, every value escaped. It reads what the admin
 * requests read; it changes nothing.
 */
export interface ConsolePage {
  status: number;
  html: string;
}

/** Messages shown per queue on a topic page, and at most in a lookup. */
const LATEST_PER_QUEUE = 5;
const MAX_LATEST_READ = 200;
const MAX_LATEST_SHOWN = 50;
const MAX_LOOKUP = 32;
const PREVIEW_CHARS = 200;

export async function renderConsole(
  ctx: BrokerContext,
  path: string,
  query: URLSearchParams,
): Promise<ConsolePage | undefined> {
  if (path === '/') return page(ctx, 'Overview', overview(ctx));
  if (path === '/topic') {
    const topic = query.get('name') ?? '';
    if (!ctx.topics.select(topic)) return notFound(ctx, `topic ${topic} does not exist`);
    return page(ctx, `Topic ${topic}`, await topicPage(ctx, topic));
  }
  if (path === '/messages') return lookup(ctx, query);
  return undefined;
}

function overview(ctx: BrokerContext): string {
  const { store, stats, config } = ctx;
  const lagByGroup = new Map<string, { topic: string; lag: number }[]>();
  for (const { group, topic, queues } of store.consumerOffsets.entries()) {
    const lag = committedLag(store, topic, queues);
    const list = lagByGroup.get(group) ?? [];
    list.push({ topic, lag });
    lagByGroup.set(group, list);
  }
  for (const group of ctx.consumers.groupNames())
    if (!lagByGroup.has(group)) lagByGroup.set(group, []);
  const topics = ctx.topics
    .all()
    .sort((a, b) => a.topicName.localeCompare(b.topicName))
    .map((t) => {
      const retained = retainedMessages(ctx.store, t.topicName);
      return row([
        link(`/topic?name=${encodeURIComponent(t.topicName)}`, t.topicName),
        `${t.writeQueueNums} / ${t.readQueueNums}`,
        String(retained),
        permText(t.perm),
      ]);
    });
  const groups = [...lagByGroup]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, list]) =>
      row([
        esc(group),
        String(ctx.consumers.group(group)?.channels.size ?? 0),
        list.length === 0
          ? '<i>no committed offsets</i>'
          : list
              .map(
                ({ topic, lag }) =>
                  `${link(`/topic?name=${encodeURIComponent(topic)}`, topic)}: ${lag}`,
              )
              .join('<br>'),
      ]),
    );
  return (
    `<p>Broker <b>${esc(config.brokerName)}</b> (cluster ${esc(config.clusterName)}) at ` +
    `${esc(ctx.brokerAddr)}, up ${duration(Date.now() - stats.bootTimestamp)}; ` +
    `${stats.msgPutTotal} messages put, ${stats.msgGetTotal} delivered since start; ` +
    `CommitLog ${bytes(store.maxPhysicalOffset - store.minPhysicalOffset)}` +
    `${store.rejectingWrites ? '; <b>sends refused: disk above the reject ratio</b>' : ''}.</p>` +
    lookupForm('') +
    `<h2>Topics</h2>${table(['topic', 'write / read queues', 'messages', 'perm'], topics)}` +
    `<h2>Consumer groups</h2>${table(['group', 'online clients', 'lag per topic'], groups)}`
  );
}

async function topicPage(ctx: BrokerContext, topic: string): Promise<string> {
  const { store } = ctx;
  const config = ctx.topics.select(topic)!;
  const queueIds = [...new Set([...range(config.writeQueueNums), ...store.queueIdsOf(topic)])];
  const groups = store.consumerOffsets.groupsOf(topic).sort();
  const queues = queueIds.map((queueId) => {
    const max = store.getMaxOffsetInQueue(topic, queueId);
    const lags = groups.map((g) => {
      const committed = store.consumerOffsets.query(g, topic, queueId);
      return committed === undefined ? '-' : String(Math.max(0, max - committed));
    });
    return row([
      String(queueId),
      String(store.getMinOffsetInQueue(topic, queueId)),
      String(max),
      ...lags,
    ]);
  });
  const latest: MessageExt[] = [];
  for (const queueId of queueIds) {
    if (latest.length >= MAX_LATEST_READ) break; // a page, not a dump: bounded for many queues
    const max = store.getMaxOffsetInQueue(topic, queueId);
    const from = Math.max(store.getMinOffsetInQueue(topic, queueId), max - LATEST_PER_QUEUE);
    if (max <= from) continue;
    const result = await store.getMessage({
      topic,
      queueId,
      offset: from,
      maxMsgNums: LATEST_PER_QUEUE,
    });
    for (const raw of result.messages)
      latest.push(decodeMessageRecord(raw, 0, { decompress: true }));
  }
  latest.sort((a, b) => b.storeTimestamp - a.storeTimestamp);
  latest.length = Math.min(latest.length, MAX_LATEST_SHOWN);
  return (
    lookupForm(topic) +
    `<h2>Queues</h2>${table(
      ['queue', 'min offset', 'max offset', ...groups.map((g) => `lag of ${esc(g)}`)],
      queues,
    )}` +
    `<h2>Latest messages</h2><p><small>Up to ${LATEST_PER_QUEUE} per queue, ${MAX_LATEST_SHOWN} in all.</small></p>${messagesTable(latest)}`
  );
}

async function lookup(ctx: BrokerContext, query: URLSearchParams): Promise<ConsolePage> {
  const id = (query.get('id') ?? '').trim();
  const topic = (query.get('topic') ?? '').trim();
  const key = (query.get('key') ?? '').trim();
  let found: MessageExt[];
  let what: string;
  if (id) {
    let offset: number;
    try {
      offset = parseOffsetMessageId(id).commitLogOffset;
    } catch (err) {
      return page(
        ctx,
        'Message lookup',
        lookupForm(topic) + `<p>${esc((err as Error).message)}</p>`,
        400,
      );
    }
    const ext = await ctx.store.lookMessageByOffset(offset);
    found = ext ? [ext] : [];
    what = `offset message id ${id}`;
  } else if (topic && key) {
    const result = await ctx.store.queryMessage(topic, key, MAX_LOOKUP, 0, Number.MAX_SAFE_INTEGER);
    found = result.messages.map((raw) => decodeMessageRecord(raw, 0, { decompress: true }));
    what = `key ${key} in topic ${topic}`;
  } else {
    return page(
      ctx,
      'Message lookup',
      lookupForm(topic) + '<p>Give a topic and a key, or an offset message id.</p>',
      400,
    );
  }
  const result = found.length === 0 ? `<p>No message with ${esc(what)}.</p>` : messagesTable(found);
  return page(ctx, `Messages: ${what}`, lookupForm(topic) + result);
}

function messagesTable(messages: MessageExt[]): string {
  if (messages.length === 0) return '<p><i>none</i></p>';
  return table(
    ['stored', 'offset msg id', 'msgId (UNIQ_KEY)', 'queue:offset', 'tags', 'keys', 'body'],
    messages.map((m) =>
      row([
        esc(new Date(m.storeTimestamp).toISOString()),
        `<code>${esc(m.msgId)}</code>`,
        `<code>${esc(m.properties[MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX] ?? '')}</code>`,
        `${m.queueId}:${m.queueOffset}`,
        esc(m.properties[MessageProperty.TAGS] ?? ''),
        esc(m.properties[MessageProperty.KEYS] ?? ''),
        `<code>${esc(preview(m.body))}</code> <small>(${bytes(m.body.length)})</small>`,
      ]),
    ),
  );
}

function lookupForm(topic: string): string {
  return (
    '<form action="/messages" method="get">Find messages: topic ' +
    `<input name="topic" value="${esc(topic)}"> key <input name="key"> or offset msg id ` +
    '<input name="id" size="34"> <button>find</button></form>'
  );
}

function page(ctx: BrokerContext, title: string, body: string, status = 200): ConsolePage {
  const html =
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<title>${esc(title)} · rocketnest ${esc(ctx.config.brokerName)}</title>` +
    '<style>body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}' +
    'table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;' +
    'text-align:left;vertical-align:top}th{background:#f3f3f3}code{font-size:12px}' +
    'form{margin:1em 0}</style></head><body>' +
    `<h1><a href="/">rocketnest</a> · ${esc(title)}</h1>${body}` +
    '<p><small>Read-only. Prometheus metrics: <a href="/metrics">/metrics</a>.</small></p>' +
    '</body></html>';
  return { status, html };
}

function notFound(ctx: BrokerContext, message: string): ConsolePage {
  return page(ctx, 'Not found', `<p>${esc(message)}.</p>`, 404);
}

function table(headers: string[], rows: string[]): string {
  if (rows.length === 0) return '<p><i>none</i></p>';
  return `<table><tr>${headers.map((h) => `<th>${h}</th>`).join('')}</tr>${rows.join('')}</table>`;
}

function row(cells: string[]): string {
  return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

function link(href: string, text: string): string {
  return `<a href="${esc(href)}">${esc(text)}</a>`;
}

/** HTML-escapes text for element content and double-quoted attributes. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function preview(body: Buffer): string {
  const text = body.subarray(0, PREVIEW_CHARS * 4).toString('utf8');
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}

function permText(perm: number): string {
  return `${perm & 4 ? 'r' : '-'}${perm & 2 ? 'w' : '-'}`;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
