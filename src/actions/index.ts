/**
 * What an operator does from `contracts ui` beside reading: moving a group's offsets and producing
 * an event of a contract, each planned the same way for a dry run as for the real thing. (Replaying
 * dead letters is src/dlq's `replayDeadLetters`, the operation `contracts dlq replay` runs.)
 */
export {
  OFFSET_TARGETS,
  resetGroupOffsets,
  type OffsetResetPlan,
  type OffsetResetRequest,
  type OffsetTarget,
} from './offsets';
export {
  createContractProducers,
  revive,
  type ContractProducers,
  type EventFormSchema,
  type ProducedRecord,
  type ProduceRequest,
  type TopicForm,
} from './produce';
