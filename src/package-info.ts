/**
 * The kit's own package.json, found from this file's folder: `src/` when run from the sources,
 * `dist/src/` when installed. Used for `contracts --version` and the default client source.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const PACKAGE_NAME = 'booking-event-contracts';

export interface PackageInfo {
  name: string;
  version: string;
  /** Folder holding the package.json. */
  root: string;
}

let cached: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (json.name === PACKAGE_NAME)
        return (cached = { name: json.name, version: json.version ?? '0.0.0', root: dir });
    }
    if (dirname(dir) === dir) return (cached = { name: PACKAGE_NAME, version: '0.0.0', root: __dirname });
  }
}
