/**
 * Two versions of a subject side by side (or the local schema file against a registered version),
 * with the verdict of `compareVersions` (src/registration), the same operation as `contracts diff`.
 * This module only lays the two texts out and points each finding at its lines.
 */
import { diffLines } from 'diff';
import { findNodeAtLocation, parseTree, type JSONPath } from 'jsonc-parser';
import { listRules } from '../formats/compatibility';
import type { Finding, RuleDefinition } from '../compat';
import type { CompatibilityLevel, SchemaFormat } from '../config';
import { ContractsError } from '../errors';
import { compareVersions, diffVersions, type LocalSubject, type SchemaChange } from '../registration';
import type { SchemaRegistryClient } from '../registry/types';
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
  /** A pasted draft (the subject's next version, as a local file is). */
  draft?: true;
  schema: string;
}

/** A change `contracts diff` names (FIELD_ADDED, TYPE_CHANGED, …), whether it breaks anything or not. */
export interface ChangeView extends Omit<SchemaChange, 'breaks'> {
  /** Rule IDs of the breaking findings this change causes at the checked level; empty when it breaks nothing. */
  breaks: string[];
  at?: FindingView['at'];
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
  /** Each change between the two sides, as `contracts diff` lists them. */
  changes: ChangeView[];
}

export interface CompareRequest {
  subject: string;
  /** The older side: a registered version. */
  from: number | 'latest';
  /** The newer side: a registered version, the local schema file of the subject, or a pasted `draft`. */
  to: number | 'latest' | 'local' | 'draft';
  /** The pasted schema, for `to: 'draft'`. */
  draft?: string;
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
  const { registry, local } = options;

  const compare = async (request: CompareRequest): Promise<DiffView> => {
    // the verdict is the one `contracts diff` gives: the same operation answers both
    const comparison = await compareVersions({
      registry,
      subject: request.subject,
      from: request.from,
      to: request.to,
      level: request.level,
      local: request.to === 'local' ? localSubjects(local) : undefined,
      draft: request.draft,
    });
    const subjectLevel = await options.catalog.levelOf(request.subject);
    const { from, to } = comparison;
    const left: DiffSide = {
      label: `version ${from.version}`,
      version: from.version,
      id: from.id,
      schema: prettySchema(from.schema),
    };
    const right: DiffSide =
      to.file !== undefined
        ? { label: `local ${to.file}`, file: to.file, schema: prettySchema(to.schema) }
        : request.to === 'draft'
          ? { label: 'the pasted draft', draft: true, schema: prettySchema(to.schema) }
          : { label: `version ${to.version}`, version: to.version, id: to.id, schema: prettySchema(to.schema) };
    const findings = comparison.result.findings
      .map((f) => explain(f, f.previousVersion === from.version ? left.schema : undefined, right.schema))
      .sort((a, b) => Number(b.breaking) - Number(a.breaking));
    // the named changes of `contracts diff` (the same walk), so a compatible change is listed too
    const named = diffVersions({
      format: comparison.format,
      level: comparison.level,
      previous: from.compat,
      candidate: to.compat,
      history: comparison.previous.filter((v) => v.version !== from.version),
    });
    const changes: ChangeView[] = named.changes.map(({ breaks, ...change }) => {
      const text = change.pathIn === 'candidate' ? right.schema : left.schema;
      const lines = linesOfPointer(text, change.path);
      return {
        ...change,
        breaks: breaks.map((f) => f.ruleId),
        ...(lines
          ? { at: { side: change.pathIn === 'candidate' ? ('right' as const) : ('left' as const), ...lines } }
          : {}),
      };
    });
    return {
      changes,
      subject: request.subject,
      format: comparison.format,
      level: comparison.level,
      subjectLevel: subjectLevel.level,
      left,
      right,
      rows: sideBySide(left.schema, right.schema),
      verdict: { compatible: comparison.result.compatible, checkedAgainst: comparison.checkedAgainst, findings },
    };
  };

  return { compare };
}

/** The config's subjects for the local side, or a clear error where the UI runs without one. */
function localSubjects(local: LocalSchemas): { subjects: LocalSubject[]; configFile: string } {
  if (!local.configFile) {
    throw new ContractsError('USAGE', 'no local schema files to compare with', {
      hint: 'start `contracts ui` in a folder with contracts.config.json (or pass --config) to compare local files',
    });
  }
  return { subjects: local.subjects(), configFile: local.configFile };
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
  const changes = diffLines(
    leftText.endsWith('\n') ? leftText : `${leftText}\n`,
    rightText.endsWith('\n') ? rightText : `${rightText}\n`,
  );
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    if (!change.added && !change.removed) {
      for (const text of lines(change.value))
        rows.push({ kind: 'same', left: { line: l++, text }, right: { line: r++, text } });
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
