/**
 * The operations behind the UI's monitor pages: topics with their offsets and groups, group lag and
 * its trend, dead letters per group and reason, and finding messages. Kafka reads only (admin API
 * and throw-away consumers that never commit); presentation lives in src/ui.
 */
export {
  describeConsumerGroups,
  listConsumerGroups,
  readTopicOffsets,
  type GroupMember,
  type GroupState,
  type PartitionLag,
  type TopicOffsets,
} from './groups';
export {
  createCommitTimeReader,
  offsetsPartitionOf,
  readCommitKey,
  type CommitTimeReader,
  type CommitTimes,
} from './commits';
export { createTrendTracker, type LagTrend, type TrendOptions, type TrendTracker } from './trend';
export {
  clusterOnlyTopics,
  createOverviewReader,
  isInternalTopic,
  type ClusterOverview,
  type OverviewReadOptions,
  type GroupSummary,
  type MonitoredTopic,
  type OverviewReader,
  type TopicGroup,
  type TopicOverview,
} from './overview';
export {
  countDeadLetters,
  readDeadLetterView,
  replayCommand,
  selectDeadLetters,
  type DeadLetterCount,
  type DeadLetterSelection,
  type DeadLetterSelectOptions,
  type DeadLetterRecord,
  type DeadLetterView,
} from './dead-letters';
export { browseMessages, fieldMatches, type MessagePage, type MessageQuery } from './messages';
