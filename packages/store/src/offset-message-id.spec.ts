import { createOffsetMessageId } from '@rocketnest/protocol';
import { OffsetMessageIds } from './offset-message-id';

describe('OffsetMessageIds', () => {
  it.each([
    { address: '127.0.0.1', port: 10911 },
    { address: '10.1.2.3', port: 65535 },
    { address: '::1', port: 10911 },
  ])('matches createOffsetMessageId for host $address:$port', (host) => {
    const ids = new OffsetMessageIds(host);
    for (const offset of [
      0,
      1,
      255,
      4096,
      2 ** 31,
      2 ** 32 - 1,
      2 ** 32,
      1099511627777,
      2 ** 53 - 1,
    ])
      expect(ids.of(offset)).toBe(createOffsetMessageId(host, offset));
  });
});
