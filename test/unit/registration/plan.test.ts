/** Registration planning and applying against the in-memory registry (no server). */
import { loadConfig } from '../../../src/config';
import { isContractsError } from '../../../src/errors';
import { applyRegistration, planRegistration } from '../../../src/registration';
import { createInMemoryRegistry } from '../../../src/registry';
import { createProject, type TempProject } from '../../support/contract-project';

let project: TempProject;
beforeEach(() => {
  project = createProject({ namespace: 'test.plan' });
});
afterEach(() => project.cleanup());

const config = () => loadConfig(project.configFile);

describe('planRegistration', () => {
  it('calls every subject new on an empty registry, dependencies first, and writes nothing', async () => {
    const registry = createInMemoryRegistry();
    const plan = await planRegistration({ config: config(), registry });
    expect(plan.subjects.map((s) => [s.subject, s.status])).toEqual([
      ['test.plan.Money', 'new-subject'],
      ['test.plan.OrderPlaced', 'new-subject'],
      ['test.plan.OrderShipped', 'new-subject'],
      ['orders-value', 'new-subject'],
    ]);
    expect(plan.compatible).toBe(true);
    expect(await registry.listSubjects()).toEqual([]);
  });

  it('finds an applied contract unchanged, with the versions and IDs it was given', async () => {
    const registry = createInMemoryRegistry();
    const applied = await applyRegistration({ config: config(), registry });
    const plan = await planRegistration({ config: config(), registry });
    expect(plan.subjects.every((s) => s.status === 'unchanged')).toBe(true);
    expect(plan.subjects.map((s) => s.current?.id)).toEqual(applied.subjects.map((s) => s.id));
  });

  it('gives a changed schema a new version with the verdict at the level the registry applies', async () => {
    const registry = createInMemoryRegistry();
    await applyRegistration({ config: config(), registry });
    project.edit('schemas/OrderShipped.avsc', (s) => s.fields.push({ name: 'trackingId', type: 'string' }));
    const plan = await planRegistration({ config: config(), registry });
    const shipped = plan.subjects.find((s) => s.subject === 'test.plan.OrderShipped');
    expect(shipped).toMatchObject({
      status: 'new-version',
      latestVersion: 1,
      verdict: { compatible: false, level: 'FULL_TRANSITIVE', against: 'all' },
    });
    expect(plan.compatible).toBe(false);
    // the union references the event at its next version, so it changes too; its verdict uses v1
    const value = plan.subjects.find((s) => s.subject === 'orders-value');
    expect(value?.status).toBe('new-version');
    expect(value?.note).toMatch(/test\.plan\.OrderShipped v1/);
  });

  it('judges a change at the level `register` will set, not at a laxer level the registry applies now', async () => {
    const registry = createInMemoryRegistry();
    await applyRegistration({ config: config(), registry });
    await registry.setCompatibility('NONE', 'test.plan.OrderShipped');
    project.edit('schemas/OrderShipped.avsc', (s) => s.fields.push({ name: 'trackingId', type: 'string' }));
    const plan = await planRegistration({ config: config(), registry });
    const shipped = plan.subjects.find((s) => s.subject === 'test.plan.OrderShipped');
    expect(shipped).toMatchObject({
      status: 'new-version',
      registryLevel: 'NONE',
      verdict: { compatible: false, level: 'FULL_TRANSITIVE' },
    });
    expect(shipped?.note).toMatch(/the registry applies NONE now/);
    expect(plan.compatible).toBe(false);
  });

  it('reports a compatible change as compatible', async () => {
    const registry = createInMemoryRegistry();
    await applyRegistration({ config: config(), registry });
    project.edit('schemas/OrderShipped.avsc', (s) =>
      s.fields.push({ name: 'trackingId', type: ['null', 'string'], default: null }),
    );
    const plan = await planRegistration({ config: config(), registry });
    expect(plan.subjects.find((s) => s.subject === 'test.plan.OrderShipped')?.verdict?.compatible).toBe(true);
    expect(plan.compatible).toBe(true);
  });

  it('limits the plan to one topic with --topic and refuses an unknown topic', async () => {
    const registry = createInMemoryRegistry();
    await expect(planRegistration({ config: config(), registry, topic: 'nope' })).rejects.toMatchObject({
      code: 'USAGE',
    });
  });
});

describe('applyRegistration', () => {
  it("sets each subject's level from the config and registers every schema", async () => {
    const registry = createInMemoryRegistry();
    const result = await applyRegistration({ config: config(), registry });
    expect(result.subjects.map((s) => s.status)).toEqual(['new-subject', 'new-subject', 'new-subject', 'new-subject']);
    for (const s of result.subjects) {
      expect(await registry.getCompatibility(s.subject)).toBe('FULL_TRANSITIVE');
      expect(s.levelChanged).toEqual({ from: null, to: 'FULL_TRANSITIVE' });
    }
  });

  it('is idempotent: unchanged schemas get no new version and keep their IDs', async () => {
    const registry = createInMemoryRegistry();
    const first = await applyRegistration({ config: config(), registry });
    const second = await applyRegistration({ config: config(), registry });
    expect(second.subjects.map((s) => [s.subject, s.id, s.version, s.status])).toEqual(
      first.subjects.map((s) => [s.subject, s.id, s.version, 'unchanged']),
    );
    expect(second.subjects.every((s) => s.levelChanged === undefined)).toBe(true);
    for (const s of first.subjects) expect(await registry.listVersions(s.subject)).toEqual([1]);
  });

  it('registers a compatible change as a new version, and the union that references it', async () => {
    const registry = createInMemoryRegistry();
    await applyRegistration({ config: config(), registry });
    project.edit('schemas/OrderShipped.avsc', (s) =>
      s.fields.push({ name: 'trackingId', type: ['null', 'string'], default: null }),
    );
    const result = await applyRegistration({ config: config(), registry });
    expect(result.subjects.map((s) => [s.subject, s.status, s.version])).toEqual([
      ['test.plan.Money', 'unchanged', 1],
      ['test.plan.OrderPlaced', 'unchanged', 1],
      ['test.plan.OrderShipped', 'new-version', 2],
      ['orders-value', 'new-version', 2],
    ]);
  });

  it('stops with INCOMPATIBLE (exit 1) naming the subject and file when the registry refuses a change', async () => {
    const registry = createInMemoryRegistry();
    await applyRegistration({ config: config(), registry });
    project.edit('schemas/OrderShipped.avsc', (s) => s.fields.push({ name: 'trackingId', type: 'string' }));
    const error = await applyRegistration({ config: config(), registry }).catch((e: unknown) => e);
    expect(isContractsError(error) && error.code).toBe('INCOMPATIBLE');
    expect((error as Error).message).toMatch(/test\.plan\.OrderShipped \(schemas\/OrderShipped\.avsc\)/);
    expect(await registry.listVersions('test.plan.OrderShipped')).toEqual([1]);
  });
});
