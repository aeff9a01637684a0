import { defineHeader, f } from '../header/field';

/** UNREGISTER_CLIENT (35). */
export const UnregisterClientRequestHeader = defineHeader('UnregisterClientRequestHeader', {
  clientID: f.string.required,
  producerGroup: f.string.optional,
  consumerGroup: f.string.optional,
});

/** GET_CONSUMER_LIST_BY_GROUP (38) request; NOTIFY_CONSUMER_IDS_CHANGED (40), broker to client. */
export const ConsumerGroupRequestHeader = defineHeader('GetConsumerListByGroupRequestHeader', {
  consumerGroup: f.string.required,
});

/** GET_CONSUMER_RUNNING_INFO (307), broker to client. */
export const GetConsumerRunningInfoRequestHeader = defineHeader(
  'GetConsumerRunningInfoRequestHeader',
  {
    consumerGroup: f.string.required,
    clientId: f.string.required,
    jstackEnable: f.bool.optional,
  },
);
