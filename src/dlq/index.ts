export * from './headers';
export { readDeadLetters, replayLedgerTopic, type DeadLetterEntry } from './read';
export { replayDeadLetters, type ReplayOptions, type ReplayResult } from './replay';
