/** Exit codes of `contracts`, and the signals a command gives for "findings printed, exit 1" and "no verdict, exit 2". */
import { ContractsError } from '../errors';

export const EXIT_OK = 0;
export const EXIT_FINDING = 1;
export const EXIT_ERROR = 2;

/** Thrown by a command to end with exit code 1 after it has printed its findings. */
export class FindingsExit extends Error {
  constructor(readonly summary: string) {
    super(summary);
  }
}

/** Exit 2 after every verdict is printed: the registry failed on these subjects. */
export function noVerdict(subjects: string[]): ContractsError {
  return new ContractsError(
    'REGISTRY_HTTP',
    `the registry gave no verdict for ${subjects.join(', ')} (the other subjects' verdicts are above)`,
    {
      hint: "see the registry's answer printed for each; fix it or the schema and run the command again",
    },
  );
}
