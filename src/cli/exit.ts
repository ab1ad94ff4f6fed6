/** Exit codes of `contracts`, and the signal a command gives for "findings printed, exit 1". */
export const EXIT_OK = 0;
export const EXIT_FINDING = 1;
export const EXIT_ERROR = 2;

/** Thrown by a command to end with exit code 1 after it has printed its findings. */
export class FindingsExit extends Error {
  constructor(readonly summary: string) {
    super(summary);
  }
}
