import { serviceNames } from '../src/generate/names';
import { UsageError } from '../src/options';

describe('generated service names', () => {
  it('derives class, constant, topic and group names from a kebab-case name', () => {
    expect(serviceNames('order-events', {})).toEqual({
      kebab: 'order-events',
      pascal: 'OrderEvents',
      constant: 'ORDER_EVENTS',
      topic: 'order-events',
      group: 'order-events-consumer',
    });
    expect(serviceNames('v2-billing', { topic: 'BILLING', group: 'billing_svc' })).toMatchObject({
      pascal: 'V2Billing',
      topic: 'BILLING',
      group: 'billing_svc',
    });
  });

  it.each(['OrderEvents', 'order_events', '-orders', 'orders-', '2fa', '', 'app'])(
    'rejects %j with a usage error',
    (name) => {
      expect(() => serviceNames(name, {})).toThrow(UsageError);
    },
  );

  it('rejects topics and groups RocketMQ would refuse, and groups too long for their suffixes', () => {
    expect(() => serviceNames('orders', { topic: 'orders.v1' })).toThrow(/--topic must be/);
    expect(() => serviceNames('orders', { group: 'a'.repeat(120) })).toThrow(/--group must be/);
  });
});
