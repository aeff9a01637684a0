import type { MessageQueue } from '@rocketnest/protocol';

/**
 * fastjson writes a Map whose keys are objects with the key's JSON as the key, unquoted:
 * `{{"brokerName":"b","queueId":0,"topic":"t"}:{...}}`. Java admin tools read TopicStatsTable and
 * ConsumeStats that way, so the broker writes them that way. Keys and values are written with
 * their fields in alphabetical order, as fastjson does.
 */
export function encodeObjectKeyMap(entries: readonly (readonly [object, object])[]): string {
  return `{${entries.map(([key, value]) => `${sortedJson(key)}:${sortedJson(value)}`).join(',')}}`;
}

function sortedJson(value: object): string {
  const sorted = Object.fromEntries(
    Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return JSON.stringify(sorted);
}

/** A MessageQueue key as fastjson orders its fields. */
export function messageQueue(topic: string, brokerName: string, queueId: number): MessageQueue {
  return { brokerName, queueId, topic };
}
