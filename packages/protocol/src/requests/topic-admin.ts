import { defineHeader, f, type HeaderOf } from '../header/field';

/** UPDATE_AND_CREATE_TOPIC (17). */
export const CreateTopicRequestHeader = defineHeader('CreateTopicRequestHeader', {
  topic: f.string.required,
  defaultTopic: f.string.required,
  readQueueNums: f.int.required,
  writeQueueNums: f.int.required,
  perm: f.int.required,
  topicFilterType: f.string.required,
  topicSysFlag: f.int.optional,
  order: f.bool.required,
  attributes: f.string.optional,
});
export type CreateTopicRequest = HeaderOf<typeof CreateTopicRequestHeader.schema>;

/** DELETE_TOPIC_IN_BROKER (215). */
export const DeleteTopicRequestHeader = defineHeader('DeleteTopicRequestHeader', {
  topic: f.string.required,
});

/** DELETE_TOPIC_IN_NAMESRV (216). */
export const DeleteTopicFromNamesrvRequestHeader = defineHeader(
  'DeleteTopicFromNamesrvRequestHeader',
  {
    topic: f.string.required,
    clusterName: f.string.optional,
  },
);

/** GET_TOPICS_BY_CLUSTER (224). */
export const GetTopicsByClusterRequestHeader = defineHeader('GetTopicsByClusterRequestHeader', {
  cluster: f.string.required,
});
