/**
 * `contracts register` against the real registry (the local stack's Apicurio ccompat API, or the
 * servers in SCHEMA_REGISTRY_URL): plan, levels, idempotence, refusals. Each test has its own
 * topic and namespace, so its subjects are its own.
 */
import { randomBytes } from 'node:crypto';
import { createSchemaRegistryClient, registerContract, type SchemaRegistryClient } from '../../../src/registry';
import type { ApplyResult, RegistrationPlan, RegistrationResult } from '../../../src/registration';
import { stackEnv } from '../../support/stack-env';
import { runCli } from '../../support/temp-project';
import { createProject, type ProjectOptions, type TempProject } from '../../support/contract-project';

// Each test runs the CLI several times (about 1.5 s per start through tsx).
jest.setTimeout(120_000);

let registry: SchemaRegistryClient;
beforeAll(() => {
  registry = createSchemaRegistryClient({ url: stackEnv().registryUrl });
});

const projects: TempProject[] = [];
afterAll(() => projects.forEach((p) => p.cleanup()));

function freshProject(options: ProjectOptions = {}): TempProject {
  const id = randomBytes(4).toString('hex');
  const project = createProject({ topic: `orders-${id}`, namespace: `it.reg${id}`, ...options });
  projects.push(project);
  return project;
}

const cli = (project: TempProject, ...args: string[]) => runCli(args, project.dir);
const json = <T>(stdout: string): T => JSON.parse(stdout) as T;

describe('contracts register', () => {
  it('plans every subject as new with --dry-run and writes nothing', async () => {
    const p = freshProject();
    const result = cli(p, 'register', '--dry-run', '--format', 'json');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const plan = json<RegistrationPlan>(result.stdout);
    expect(plan.subjects.map((s) => [s.subject, s.status])).toEqual([
      [`${p.namespace}.Money`, 'new-subject'],
      [`${p.namespace}.OrderPlaced`, 'new-subject'],
      [`${p.namespace}.OrderShipped`, 'new-subject'],
      [`${p.topic}-value`, 'new-subject'],
    ]);
    const subjects = await registry.listSubjects();
    expect(subjects.filter((s) => s.startsWith(p.namespace) || s.startsWith(p.topic))).toEqual([]);
  });

  it('registers every schema with references, sets each level, and is idempotent', async () => {
    const p = freshProject();
    const first = cli(p, 'register', '--format', 'json');
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const applied = json<RegistrationResult>(first.stdout);
    expect(applied.subjects.map((s) => [s.status, s.version])).toEqual([
      ['new-subject', 1],
      ['new-subject', 1],
      ['new-subject', 1],
      ['new-subject', 1],
    ]);
    for (const s of applied.subjects) expect(await registry.getCompatibility(s.subject)).toBe('FULL_TRANSITIVE');
    const union = await registry.getSubjectVersion(`${p.topic}-value`, 1);
    expect(union.references.map((r) => r.subject).sort()).toEqual([
      `${p.namespace}.OrderPlaced`,
      `${p.namespace}.OrderShipped`,
    ]);

    const second = cli(p, 'register', '--format', 'json');
    expect(second.status).toBe(0);
    const again = json<RegistrationResult>(second.stdout);
    expect(again.subjects.map((s) => [s.subject, s.id, s.version, s.status])).toEqual(
      applied.subjects.map((s) => [s.subject, s.id, s.version, 'unchanged']),
    );
    for (const s of applied.subjects) expect(await registry.listVersions(s.subject)).toEqual([1]);

    const plan = json<RegistrationPlan>(cli(p, 'register', '--dry-run', '--format', 'json').stdout);
    expect(plan.subjects.map((s) => s.status)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(plan.subjects.map((s) => s.current?.id)).toEqual(applied.subjects.map((s) => s.id));
  });

  it('plans a compatible change as a new version with the verdict, then registers it', async () => {
    const p = freshProject();
    expect(cli(p, 'register').status).toBe(0);
    p.edit('schemas/OrderShipped.avsc', (s) =>
      s.fields.push({ name: 'trackingId', type: ['null', 'string'], default: null }),
    );
    const dry = cli(p, 'register', '--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(
      new RegExp(
        `~ ${p.namespace}\\.OrderShipped\\s+new version after v1: compatible at FULL_TRANSITIVE \\(all versions\\)`,
      ),
    );
    expect(await registry.listVersions(`${p.namespace}.OrderShipped`)).toEqual([1]);

    const applied = cli(p, 'register', '--format', 'json');
    expect(applied.status).toBe(0);
    const result = json<RegistrationResult>(applied.stdout);
    expect(result.subjects.map((s) => [s.subject, s.status, s.version])).toEqual([
      [`${p.namespace}.Money`, 'unchanged', 1],
      [`${p.namespace}.OrderPlaced`, 'unchanged', 1],
      [`${p.namespace}.OrderShipped`, 'new-version', 2],
      [`${p.topic}-value`, 'new-version', 2],
    ]);
  });

  it('shows an incompatible change in the plan (exit 1) and refuses to register it (exit 1)', async () => {
    const p = freshProject();
    expect(cli(p, 'register').status).toBe(0);
    p.edit('schemas/OrderShipped.avsc', (s) => s.fields.push({ name: 'trackingId', type: 'string' }));
    const dry = cli(p, 'register', '--dry-run');
    expect(dry.status).toBe(1);
    expect(dry.stdout).toMatch(/OrderShipped\s+new version after v1: INCOMPATIBLE at FULL_TRANSITIVE/);

    const applied = cli(p, 'register');
    expect(applied.status).toBe(1);
    expect(applied.stderr).toMatch(
      new RegExp(
        `refused ${p.namespace}\\.OrderShipped \\(schemas/OrderShipped\\.avsc\\) as incompatible at FULL_TRANSITIVE`,
      ),
    );
    expect(await registry.listVersions(`${p.namespace}.OrderShipped`)).toEqual([1]);
  });

  it('registers under TopicRecordNameStrategy: one subject per event, named after the topic', async () => {
    const p = freshProject({ strategy: 'TopicRecordNameStrategy', level: 'BACKWARD' });
    const result = cli(p, 'register', '--format', 'json');
    expect(result.status).toBe(0);
    const subjects = json<RegistrationResult>(result.stdout).subjects.map((s) => s.subject);
    expect(subjects).toEqual([
      `${p.namespace}.Money`,
      `${p.topic}-${p.namespace}.OrderPlaced`,
      `${p.topic}-${p.namespace}.OrderShipped`,
    ]);
    expect(await registry.getCompatibility(`${p.topic}-${p.namespace}.OrderPlaced`)).toBe('BACKWARD');
  });

  it('registers one topic only with --topic', () => {
    const p = freshProject();
    const result = cli(p, 'register', '--dry-run', '--topic', 'nope');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--topic nope: no such topic/);
  });
});

describe('registerContract (what services and `npm start` call)', () => {
  it("sets the contract's level on every subject before registering, through the same code as `contracts register`", async () => {
    const ns = `it.rc${randomBytes(4).toString('hex')}`;
    const money = JSON.stringify({
      type: 'record',
      name: 'Money',
      namespace: ns,
      fields: [{ name: 'amountMinor', type: 'long' }],
    });
    const order = JSON.stringify({
      type: 'record',
      name: 'Order',
      namespace: ns,
      fields: [{ name: 'total', type: `${ns}.Money` }],
    });
    const contract = {
      compatibility: 'FULL_TRANSITIVE' as const,
      schemas: [
        { subject: `${ns}.Money`, schemaType: 'AVRO' as const, schema: money, references: [], file: 'Money.avsc' },
        {
          subject: `${ns}.Order`,
          schemaType: 'AVRO' as const,
          schema: order,
          references: [{ name: `${ns}.Money`, subject: `${ns}.Money` }],
          file: 'Order.avsc',
        },
      ],
    };
    const first = await registerContract(contract, registry);
    expect(Object.keys(first)).toEqual([`${ns}.Money`, `${ns}.Order`]);
    for (const subject of Object.keys(first)) expect(await registry.getCompatibility(subject)).toBe('FULL_TRANSITIVE');
    // idempotent: same IDs, levels kept
    expect(await registerContract(contract, registry)).toEqual(first);
    expect(await registry.getCompatibility(`${ns}.Order`)).toBe('FULL_TRANSITIVE');
  });
});

describe('contracts apply', () => {
  it('--dry-run --format json is one document for topics and subjects; its text names `contracts apply`', async () => {
    const p = freshProject();
    const result = cli(p, 'apply', '--dry-run', '--format', 'json');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const planned = json<ApplyResult>(result.stdout);
    expect(planned.dryRun).toBe(true);
    expect(planned.topics!.entries.map((e) => [e.topic, e.action])).toEqual(
      expect.arrayContaining([[p.topic, 'create']]),
    );
    expect(planned.plan!.subjects.map((s) => s.status)).toEqual(planned.plan!.subjects.map(() => 'new-subject'));
    expect(planned.registration).toBeUndefined();
    const text = cli(p, 'apply', '--dry-run');
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/run `contracts apply` to make these changes\n$/);
    expect(text.stdout).not.toMatch(/contracts register/);
    // a dry run writes nothing
    const subjects = await registry.listSubjects();
    expect(subjects.filter((s) => s.startsWith(p.namespace) || s.startsWith(p.topic))).toEqual([]);
  });
});
