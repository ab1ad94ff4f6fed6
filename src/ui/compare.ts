/**
 * Two versions of a subject side by side (or the local schema file against a registered version),
 * with the verdict of the kit's offline checker (`src/compat`) at the subject's level. The UI holds
 * no compatibility rules of its own: findings are `checkCompatibility`'s, explained by the rule
 * registry's `purpose`.
 */
import { diffLines } from 'diff';
import { findNodeAtLocation, parseTree, type JSONPath } from 'jsonc-parser';
import { checkCompatibility, listRules } from '../compat';
import type { Finding, RuleDefinition, SchemaReference as CompatReference, SchemaVersion } from '../compat';
import { COMPATIBILITY_LEVELS, type CompatibilityLevel, type SchemaFormat } from '../config';
import type { RegisteredSchemaSpec } from '../contract';
import { ContractsError, UsageError } from '../errors';
import type { SchemaRegistryClient, StoredSchema } from '../registry/types';
import type { Catalog } from './catalog';
import { prettySchema } from './catalog';
import type { LocalSchemas } from './local';

export interface DiffLine {
  /** 1-based line number in that side's schema text. */
  line: number;
  text: string;
}

export interface DiffRow {
  kind: 'same' | 'changed' | 'removed' | 'added';
  left?: DiffLine;
  right?: DiffLine;
}

export interface FindingView extends Finding {
  /** The rule's one-line purpose, from the rule registry. */
  purpose: string;
  family: string;
  /** The lines of the side-by-side text the finding's path spans, when it points into one of the two shown schemas. */
  at?: { side: 'left' | 'right'; line: number; endLine: number };
}

export interface DiffSide {
  label: string;
  version?: number;
  id?: number;
  /** The schema file, for the local side. */
  file?: string;
  schema: string;
}

export interface DiffView {
  subject: string;
  format: SchemaFormat;
  /** The level checked: the one asked for, else the subject's. */
  level: CompatibilityLevel;
  subjectLevel: CompatibilityLevel;
  left: DiffSide;
  right: DiffSide;
  rows: DiffRow[];
  verdict: {
    compatible: boolean;
    /** The registered versions the right side was checked against. */
    checkedAgainst: number[];
    /** Breaking findings first, then differences that break nothing. */
    findings: FindingView[];
  };
}

export interface CompareRequest {
  subject: string;
  /** The older side: a registered version. */
  from: number | 'latest';
  /** The newer side: a registered version, or the local schema file of the subject. */
  to: number | 'latest' | 'local';
  /** Level to check at; default the subject's. */
  level?: CompatibilityLevel;
}

export interface Comparer {
  compare(request: CompareRequest): Promise<DiffView>;
}

export interface ComparerOptions {
  registry: SchemaRegistryClient;
  catalog: Catalog;
  local: LocalSchemas;
}

const RULES: ReadonlyMap<string, RuleDefinition> = new Map(listRules().map((r) => [r.id, r]));

export function createComparer(options: ComparerOptions): Comparer {
  const { registry, catalog, local } = options;

  const compare = async (request: CompareRequest): Promise<DiffView> => {
    if (request.level !== undefined && !(COMPATIBILITY_LEVELS as readonly string[]).includes(request.level)) {
      throw new UsageError(`unknown compatibility level "${String(request.level)}"`, `use one of ${COMPATIBILITY_LEVELS.join(', ')}`);
    }
    const { subject } = request;
    const [versionNumbers, subjectLevel] = await Promise.all([registry.listVersions(subject), catalog.levelOf(subject)]);
    const sorted = [...versionNumbers].sort((a, b) => a - b);
    const latest = sorted[sorted.length - 1]!;
    const fromNumber = request.from === 'latest' ? latest : request.from;
    const from = await registry.getSubjectVersion(subject, fromNumber);
    const format = toFormat(from.schemaType);
    const level = request.level ?? subjectLevel.level;

    let right: DiffSide;
    let candidate: SchemaVersion;
    if (request.to === 'local') {
      const spec = local.bySubject().get(subject);
      if (!spec) {
        throw new ContractsError('USAGE', `no local schema file for subject ${subject}`, {
          hint: local.configFile
            ? `${local.configFile} registers no schema under ${subject}; local comparison works for the subjects of its topics`
            : 'start `contracts ui` in a folder with contracts.config.json (or pass --config) to compare local files',
        });
      }
      right = { label: `local ${spec.file}`, file: spec.file, schema: prettySchema(spec.schema) };
      candidate = { schema: spec.schema, references: localReferences(spec, local.bySubject()), source: spec.file };
    } else {
      const toNumber = request.to === 'latest' ? latest : request.to;
      const to = await registry.getSubjectVersion(subject, toNumber);
      right = { label: `version ${to.version}`, version: to.version, id: to.id, schema: prettySchema(to.schema) };
      candidate = { ...(await toCompatVersion(registry, to)), version: to.version, source: `${subject} version ${to.version}` };
    }

    // The right side is checked as the next version after `from`: against `from` itself, and for
    // transitive levels against every version up to it, as the registry would.
    const earlier = sorted.filter((v) => v <= fromNumber);
    const previous = await Promise.all(
      earlier.map(async (v) => {
        const stored = await registry.getSubjectVersion(subject, v);
        return { ...(await toCompatVersion(registry, stored)), version: v, source: `${subject} version ${v}` };
      }),
    );
    if (request.to !== 'local' && candidate.version !== undefined && candidate.version <= fromNumber) {
      // comparing backwards in time (v3 → v1): check the pair alone
      previous.splice(0, previous.length - 1);
    }
    const result = checkCompatibility({ format, level, previous, candidate, includeNonBreaking: true });
    const left: DiffSide = { label: `version ${from.version}`, version: from.version, id: from.id, schema: prettySchema(from.schema) };
    const findings = result.findings
      .map((f) => explain(f, f.previousVersion === from.version ? left.schema : undefined, right.schema))
      .sort((a, b) => Number(b.breaking) - Number(a.breaking));
    const transitive = level.endsWith('_TRANSITIVE');
    return {
      subject,
      format,
      level,
      subjectLevel: subjectLevel.level,
      left,
      right,
      rows: sideBySide(left.schema, right.schema),
      verdict: {
        compatible: result.compatible,
        checkedAgainst: level === 'NONE' ? [] : transitive ? previous.map((p) => p.version!) : previous.slice(-1).map((p) => p.version!),
        findings,
      },
    };
  };

  return { compare };
}

function toFormat(type: string): SchemaFormat {
  if (type === 'AVRO' || type === 'JSON') return type;
  throw new ContractsError('USAGE', `the compatibility checker reads Avro and JSON Schema, not ${type}`, {
    hint: "use the registry's own compatibility check for Protobuf subjects",
  });
}

/** A registered schema with every schema it imports, nested, as the offline checker takes it. */
export async function toCompatVersion(
  registry: Pick<SchemaRegistryClient, 'getSubjectVersion'>,
  stored: StoredSchema,
  trail: string[] = [],
): Promise<SchemaVersion> {
  const references: CompatReference[] = [];
  for (const ref of stored.references) {
    const key = `${ref.subject}\u0000${ref.version}`;
    if (trail.includes(key)) continue; // registries refuse cycles; never loop on one
    const dependency = await registry.getSubjectVersion(ref.subject, ref.version);
    const nested = await toCompatVersion(registry, dependency, [...trail, key]);
    references.push({ name: ref.name, schema: dependency.schema, references: nested.references ?? [] });
  }
  return { schema: stored.schema, references };
}

function localReferences(spec: RegisteredSchemaSpec, bySubject: Map<string, RegisteredSchemaSpec>, trail: string[] = []): CompatReference[] {
  return spec.references.flatMap((ref) => {
    const dependency = bySubject.get(ref.subject);
    if (!dependency || trail.includes(ref.subject)) return [];
    return [{ name: ref.name, schema: dependency.schema, references: localReferences(dependency, bySubject, [...trail, ref.subject]) }];
  });
}

function explain(finding: Finding, previousText: string | undefined, candidateText: string): FindingView {
  const rule = RULES.get(finding.ruleId);
  const view: FindingView = { ...finding, purpose: rule?.purpose ?? '', family: rule?.family ?? '' };
  const text = finding.pathIn === 'candidate' ? candidateText : previousText;
  const lines = text === undefined ? undefined : linesOfPointer(text, finding.path);
  if (lines) view.at = { side: finding.pathIn === 'candidate' ? 'right' : 'left', ...lines };
  return view;
}

/** The 1-based lines a JSON pointer's value spans in a JSON text (its parent's when it is gone), or undefined. */
export function linesOfPointer(text: string, pointer: string): { line: number; endLine: number } | undefined {
  const root = parseTree(text);
  if (!root) return undefined;
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  // walk down as far as the pointer exists: a deleted element is shown at its parent
  for (let n = segments.length; n >= 0; n--) {
    const path: JSONPath = [];
    let node = root;
    let ok = true;
    for (const segment of segments.slice(0, n)) {
      const key = node.type === 'array' && /^\d+$/.test(segment) ? Number(segment) : segment;
      const child = findNodeAtLocation(node, [key]);
      if (!child) {
        ok = false;
        break;
      }
      path.push(key);
      node = child;
    }
    if (ok) {
      // an object member's value: from the line of its key
      const start = node.parent?.type === 'property' ? node.parent.offset : node.offset;
      const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;
      return { line: lineAt(start), endLine: lineAt(node.offset + node.length) };
    }
  }
  return undefined;
}

/** Rows of a side-by-side diff: unchanged lines pair up, a removed run pairs with the added run after it. */
export function sideBySide(leftText: string, rightText: string): DiffRow[] {
  const rows: DiffRow[] = [];
  let l = 1;
  let r = 1;
  const lines = (value: string) => value.replace(/\n$/, '').split('\n');
  const changes = diffLines(leftText.endsWith('\n') ? leftText : `${leftText}\n`, rightText.endsWith('\n') ? rightText : `${rightText}\n`);
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    if (!change.added && !change.removed) {
      for (const text of lines(change.value)) rows.push({ kind: 'same', left: { line: l++, text }, right: { line: r++, text } });
      continue;
    }
    if (change.removed) {
      const removed = lines(change.value);
      const next = changes[i + 1];
      const added = next?.added ? lines(next.value) : [];
      if (next?.added) i++;
      for (let k = 0; k < Math.max(removed.length, added.length); k++) {
        const a = removed[k];
        const b = added[k];
        rows.push({
          kind: a !== undefined && b !== undefined ? 'changed' : a !== undefined ? 'removed' : 'added',
          left: a !== undefined ? { line: l++, text: a } : undefined,
          right: b !== undefined ? { line: r++, text: b } : undefined,
        });
      }
      continue;
    }
    for (const text of lines(change.value)) rows.push({ kind: 'added', right: { line: r++, text } });
  }
  return rows;
}
