/** Lock files: deterministic text, round trip, malformed input named with its file and cause. */
import { loadConfig } from '../../../src/config';
import { BaselineError } from '../../../src/errors';
import {
  applyRegistration,
  checkAgainstBaseline,
  lockBaseline,
  parseLockFile,
  pullRegistry,
  serializeLockFile,
} from '../../../src/registration';
import type { LockFile } from '../../../src/registration';
import { createInMemoryRegistry } from '../../../src/registry';
import { createProject } from '../../support/contract-project';

const lock: LockFile = {
  lockfileVersion: 1,
  registry: 'http://registry:8081',
  globalCompatibility: 'BACKWARD',
  subjects: {
    'b-value': {
      compatibility: 'FULL',
      schemaType: 'AVRO',
      versions: [{ version: 1, id: 7, schema: '"string"', references: [] }],
    },
    'a-value': {
      compatibility: null,
      schemaType: 'AVRO',
      versions: [
        { version: 2, id: 9, schema: '"long"', references: [] },
        { version: 1, id: 3, schema: '"int"', references: [] },
      ],
    },
  },
};

describe('serializeLockFile', () => {
  it('writes subjects sorted, versions ascending, fixed key order and a final newline', () => {
    const text = serializeLockFile(lock);
    expect(text.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(text) as LockFile;
    expect(Object.keys(parsed)).toEqual(['lockfileVersion', 'registry', 'globalCompatibility', 'subjects']);
    expect(Object.keys(parsed.subjects)).toEqual(['a-value', 'b-value']);
    expect(parsed.subjects['a-value']?.versions.map((v) => v.version)).toEqual([1, 2]);
  });

  it('gives the same text for the same content, whatever the input order', () => {
    const reordered: LockFile = {
      ...lock,
      subjects: { 'a-value': lock.subjects['a-value']!, 'b-value': lock.subjects['b-value']! },
    };
    expect(serializeLockFile(reordered)).toBe(serializeLockFile(lock));
  });

  it('reads back what it wrote', () => {
    const again = parseLockFile(serializeLockFile(lock), 'contracts.lock.json');
    expect(serializeLockFile(again)).toBe(serializeLockFile(lock));
  });
});

describe('parseLockFile', () => {
  const fails = (text: string) => {
    try {
      parseLockFile(text, 'locks/contracts.lock.json');
    } catch (error) {
      return error as BaselineError;
    }
    throw new Error('expected a BaselineError');
  };

  it('names the file and the JSON error for text that is not JSON', () => {
    const error = fails('{"lockfileVersion": 1,');
    expect(error).toBeInstanceOf(BaselineError);
    expect(error.code).toBe('BASELINE_INVALID');
    expect(error.message).toMatch(/^locks\/contracts\.lock\.json: is not valid JSON/);
  });

  it('names what does not fit the lock file shape', () => {
    const error = fails(
      JSON.stringify({ lockfileVersion: 1, subjects: { s: { versions: [{ version: 'one', schema: 1 }] } } }),
    );
    expect(error.message).toMatch(/is not a contracts lock file: .*\/subjects\/s\/versions\/0\/version/);
  });

  it('refuses a reference to a version the file does not hold', () => {
    const broken = {
      lockfileVersion: 1,
      subjects: {
        s: {
          versions: [
            { version: 1, id: 1, schema: '"int"', references: [{ name: 'x.Money', subject: 'x.Money', version: 2 }] },
          ],
        },
      },
    };
    expect(fails(JSON.stringify(broken)).message).toMatch(
      /s version 1 references x\.Money version 2, which the file does not contain/,
    );
  });
});

describe('pullRegistry + lock baseline', () => {
  it('pulls every version with IDs, references and levels, and checks the working tree against it offline', async () => {
    const project = createProject({ namespace: 'test.lock' });
    try {
      const registry = createInMemoryRegistry();
      await applyRegistration({ config: loadConfig(project.configFile), registry });
      project.edit('schemas/OrderShipped.avsc', (s) =>
        s.fields.push({ name: 'note', type: ['null', 'string'], default: null }),
      );
      await applyRegistration({ config: loadConfig(project.configFile), registry });

      const pulled = await pullRegistry({ registry });
      expect(Object.keys(pulled.subjects)).toEqual([
        'orders-value',
        'test.lock.Money',
        'test.lock.OrderPlaced',
        'test.lock.OrderShipped',
      ]);
      expect(pulled.subjects['test.lock.OrderShipped']).toMatchObject({
        compatibility: 'FULL_TRANSITIVE',
        versions: [{ version: 1 }, { version: 2 }],
      });
      expect(pulled.subjects['orders-value']?.versions[1]?.references).toContainEqual({
        name: 'test.lock.OrderShipped',
        subject: 'test.lock.OrderShipped',
        version: 2,
      });

      // Transitive levels see the whole history: removing the field v1 lacked is fine against v2
      // alone, but v1 never had `note`, so dropping `carrier` (no default) breaks FORWARD with both.
      project.edit('schemas/OrderShipped.avsc', (s) => {
        s.fields = s.fields.filter((f) => f.name !== 'carrier');
      });
      const report = checkAgainstBaseline({
        config: loadConfig(project.configFile),
        baseline: lockBaseline(pulled, 'contracts.lock.json'),
      });
      const shipped = report.subjects.find((s) => s.subject === 'test.lock.OrderShipped');
      expect(shipped).toMatchObject({ status: 'new-version', compatible: false, against: [1, 2] });
      expect(shipped?.findings.map((f) => [f.ruleId, f.previousVersion])).toEqual([
        ['FIELD_REMOVED_WITHOUT_DEFAULT', 2],
        ['FIELD_REMOVED_WITHOUT_DEFAULT', 1],
      ]);
      expect(report.subjects.find((s) => s.subject === 'test.lock.Money')?.status).toBe('unchanged');
    } finally {
      project.cleanup();
    }
  });

  it('pulls the subjects a chosen subject references', async () => {
    const project = createProject({ namespace: 'test.refs' });
    try {
      const registry = createInMemoryRegistry();
      await applyRegistration({ config: loadConfig(project.configFile), registry });
      const pulled = await pullRegistry({ registry, subjects: ['test.refs.OrderPlaced'] });
      expect(Object.keys(pulled.subjects)).toEqual(['test.refs.Money', 'test.refs.OrderPlaced']);
    } finally {
      project.cleanup();
    }
  });
});
