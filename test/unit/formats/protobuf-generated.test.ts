/**
 * The committed TypeScript of schemas/proto is what protoc-gen-es writes from the .proto files
 * today (npm run codegen:protobuf), and buf accepts the module (lint STANDARD).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..', '..');
const buf = join(root, 'node_modules', '.bin', 'buf');
const run = (args: string[]) =>
  execFileSync(buf, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}` },
  });

const filesOf = (dir: string): Map<string, string> =>
  new Map(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return [relative(dir, path), readFileSync(path, 'utf8')] as const;
      }),
  );

describe('generated Protobuf TypeScript', () => {
  it('is what protoc-gen-es writes from schemas/proto now', () => {
    const out = mkdtempSync(join(tmpdir(), 'proto-gen-'));
    try {
      run(['generate', 'schemas/proto', '--template', 'schemas/proto/buf.gen.yaml', '-o', out]);
      const fresh = filesOf(join(out, 'src', 'generated-protobuf'));
      const committed = filesOf(join(root, 'src', 'generated-protobuf'));
      expect([...committed.keys()].sort()).toEqual([...fresh.keys()].sort());
      for (const [file, text] of fresh) expect({ file, text: committed.get(file) }).toEqual({ file, text });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('passes buf lint', () => {
    expect(run(['lint', 'schemas/proto'])).toBe('');
  });
});
