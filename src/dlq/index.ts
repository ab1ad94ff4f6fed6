export * from './headers';
export { replayDeadLetters, type ReplayOptions, type ReplayResult } from './replay';
