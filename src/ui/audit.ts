/**
 * The UI's audit log: every sign-in and every action (dry run or applied), who, when, what and
 * how it ended, as one JSON line in the audit file (`--audit-log`, appended) and one line through
 * the kit's logger: applied changes and refusals at warn, so they show at the default level; dry
 * runs and sign-ins at info.
 */
import { appendFileSync } from 'node:fs';
import { UsageError } from '../errors';
import { createLogger } from '../log';

export interface AuditEntry {
  user: string;
  role: string;
  /** `sign-in`, `sign-out`, `set-level`, … */
  action: string;
  /** What it acted on: a subject, a group. */
  target: string;
  dryRun: boolean;
  result: 'ok' | 'refused' | 'failed';
  /** What changed (`BACKWARD → FULL_TRANSITIVE`), or why it did not. */
  detail?: string;
}

export interface AuditLog {
  record(entry: AuditEntry): void;
}

/** Throws a UsageError when `file` cannot be appended to: the UI does not start with an audit log it cannot keep. */
export function createAuditLog(file?: string): AuditLog {
  const log = createLogger('ui');
  if (file) {
    try {
      appendFileSync(file, '');
    } catch (cause) {
      throw new UsageError(
        `the audit log ${file} cannot be written: ${(cause as Error).message}`,
        'give --audit-log a file in a folder that exists and that this process may write',
      );
    }
  }
  return {
    record(entry) {
      const line = { at: new Date().toISOString(), ...entry };
      if (file) {
        try {
          appendFileSync(file, `${JSON.stringify(line)}\n`);
        } catch (cause) {
          // the action has happened: say so loudly, with the entry, rather than fail the request
          log.error(`audit log ${file} cannot be written (${(cause as Error).message}); the entry follows`, line);
        }
      }
      const text = `audit: ${entry.user} (${entry.role}) ${entry.action} ${entry.target}${entry.dryRun ? ' [dry run]' : ''}: ${entry.result}${entry.detail ? `, ${entry.detail}` : ''}`;
      if (entry.result !== 'ok' || !entry.dryRun) log.warn(text, line);
      else log.info(text, line);
    },
  };
}
