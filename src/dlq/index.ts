export * from './headers';
export { entryPosition, readDeadLetters, replayLedgerTopic, type DeadLetterEntry } from './read';
export { replayDeadLetters, type ReplayOptions, type ReplayResult } from './replay';
