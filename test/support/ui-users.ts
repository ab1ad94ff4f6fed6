/** A users file for `contracts ui --users` in a temporary folder: the tests' operator and viewer. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword, type UiRole } from '../../src/ui';

export function writeUsersFile(users: Array<{ name: string; role: UiRole; password: string }>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'contracts-ui-users-')), 'users.json');
  writeFileSync(
    file,
    JSON.stringify({
      users: users.map(({ name, role, password }) => ({ name, role, password: hashPassword(password) })),
    }),
  );
  return file;
}
