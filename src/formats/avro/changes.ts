/**
 * Avro changes between two versions of a subject, named for `contracts diff` and the UI (field
 * added, removed, renamed through an alias, type, default, enum symbols, union branches…); the
 * verdicts come from the rules, which src/registration/diff.ts attaches to these by path.
 */
import type { JsonValue, SchemaVersion } from '../../compat/types';
import type { AvroField, AvroNode, NamedNode } from './compat/parse';
import { describeType, parseAvroVersion } from './compat/parse';
import { toPointer } from '../../compat/rule';
import type { SchemaChange } from '../format';

export type AvroChangeKind =
  | 'FIELD_ADDED'
  | 'FIELD_REMOVED'
  | 'FIELD_RENAMED'
  | 'TYPE_CHANGED'
  | 'DEFAULT_ADDED'
  | 'DEFAULT_REMOVED'
  | 'DEFAULT_CHANGED'
  | 'ENUM_SYMBOL_ADDED'
  | 'ENUM_SYMBOL_REMOVED'
  | 'ENUM_DEFAULT_CHANGED'
  | 'UNION_BRANCH_ADDED'
  | 'UNION_BRANCH_REMOVED'
  | 'NAME_CHANGED'
  | 'FIXED_SIZE_CHANGED'
  | 'LOGICAL_TYPE_CHANGED';

// Avro: a walk over both parsed trees with the checker's path segments (`fields/i/type`, union
// branch index, `items`, `values`), so findings attach to the change at the same path.

type Segment = string | number;

interface Side {
  node: AvroNode;
  path: Segment[];
}

/** The changes from `previous` to `candidate`, at the checker's paths. */
export function avroChanges(previous: SchemaVersion, candidate: SchemaVersion): SchemaChange[] {
  const before = parseAvroVersion(previous, previous.source ?? 'previous');
  const after = parseAvroVersion(candidate, candidate.source ?? 'candidate');
  const changes: SchemaChange[] = [];
  const seen = new Set<string>();
  walk({ node: before, path: [] }, { node: after, path: [] }, [], changes, seen);
  return changes;
}

function isNamed(node: AvroNode): node is NamedNode {
  return node.kind === 'record' || node.kind === 'enum' || node.kind === 'fixed';
}

function branchKey(node: AvroNode): string {
  return isNamed(node) ? node.fullname : node.kind;
}

function elementName(names: readonly string[]): string {
  return names.length === 0 ? 'the schema root' : `field \`${names.join('.')}\``;
}

function change(
  kind: AvroChangeKind,
  at: Side,
  pathIn: SchemaChange['pathIn'],
  description: string,
  before?: JsonValue,
  after?: JsonValue,
): SchemaChange {
  return {
    kind,
    path: toPointer(at.path),
    pathIn,
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
    description,
    breaks: [],
  };
}

function walk(old: Side, now: Side, names: string[], out: SchemaChange[], seen: Set<string>): void {
  const key = `${old.node.id}:${now.node.id}`;
  if (seen.has(key)) return;
  seen.add(key);
  const a = old.node;
  const b = now.node;
  const element = elementName(names);

  if (a.kind !== b.kind) {
    out.push(
      change(
        'TYPE_CHANGED',
        now,
        'candidate',
        `The type of ${element} changed from ${describeType(a)} to ${describeType(b)}.`,
        a.raw,
        b.raw,
      ),
    );
    // Into a union (e.g. made nullable) or out of one: compare with the branch of the same type.
    if (b.kind === 'union') {
      const i = b.branches.findIndex((x) => branchKey(x) === branchKey(a));
      const branch = b.branches[i];
      if (branch) walk(old, { node: branch, path: [...now.path, i] }, names, out, seen);
    } else if (a.kind === 'union') {
      const i = a.branches.findIndex((x) => branchKey(x) === branchKey(b));
      const branch = a.branches[i];
      if (branch) walk({ node: branch, path: [...old.path, i] }, now, names, out, seen);
    }
    return;
  }

  if (isNamed(a) && isNamed(b) && a.fullname !== b.fullname) {
    const aliased = b.aliases.includes(a.fullname);
    out.push(
      change(
        'NAME_CHANGED',
        { node: b, path: [...now.path, 'name'] },
        'candidate',
        `The ${b.kind} of ${element} was renamed from \`${a.fullname}\` to \`${b.fullname}\`${aliased ? ' (with an alias for the old name)' : ''}.`,
        a.fullname,
        b.fullname,
      ),
    );
  }

  switch (b.kind) {
    case 'record':
      return walkRecord(old, now, names, out, seen);
    case 'enum': {
      const ea = a as typeof b;
      const added = b.symbols.filter((s) => !ea.symbols.includes(s));
      const removed = ea.symbols.filter((s) => !b.symbols.includes(s));
      const at = { node: b, path: [...now.path, 'symbols'] };
      if (added.length > 0) {
        out.push(
          change(
            'ENUM_SYMBOL_ADDED',
            at,
            'candidate',
            `Enum \`${b.fullname}\` (${element}) gained ${added.map((s) => `\`${s}\``).join(', ')}.`,
            ea.symbols,
            b.symbols,
          ),
        );
      }
      if (removed.length > 0) {
        out.push(
          change(
            'ENUM_SYMBOL_REMOVED',
            at,
            'candidate',
            `Enum \`${b.fullname}\` (${element}) lost ${removed.map((s) => `\`${s}\``).join(', ')}.`,
            ea.symbols,
            b.symbols,
          ),
        );
      }
      if (ea.default !== b.default) {
        out.push(
          change(
            'ENUM_DEFAULT_CHANGED',
            { node: b, path: [...now.path, 'default'] },
            'candidate',
            `The default of enum \`${b.fullname}\` (${element}) changed from ${ea.default ?? '(none)'} to ${b.default ?? '(none)'}.`,
            ea.default,
            b.default,
          ),
        );
      }
      return;
    }
    case 'fixed': {
      const fa = a as typeof b;
      if (fa.size !== b.size) {
        out.push(
          change(
            'FIXED_SIZE_CHANGED',
            { node: b, path: [...now.path, 'size'] },
            'candidate',
            `The size of fixed \`${b.fullname}\` (${element}) changed from ${fa.size} to ${b.size}.`,
            fa.size,
            b.size,
          ),
        );
      }
      return;
    }
    case 'array':
      return walk(
        { node: (a as typeof b).items, path: [...old.path, 'items'] },
        { node: b.items, path: [...now.path, 'items'] },
        [...names.slice(0, -1), `${names[names.length - 1] ?? ''}[]`],
        out,
        seen,
      );
    case 'map':
      return walk(
        { node: (a as typeof b).values, path: [...old.path, 'values'] },
        { node: b.values, path: [...now.path, 'values'] },
        [...names.slice(0, -1), `${names[names.length - 1] ?? ''}{}`],
        out,
        seen,
      );
    case 'union': {
      const ua = a as typeof b;
      b.branches.forEach((branch, i) => {
        const j = ua.branches.findIndex((x) => branchKey(x) === branchKey(branch));
        const match = ua.branches[j];
        if (match) {
          walk({ node: match, path: [...old.path, j] }, { node: branch, path: [...now.path, i] }, names, out, seen);
        } else {
          out.push(
            change(
              'UNION_BRANCH_ADDED',
              { node: branch, path: [...now.path, i] },
              'candidate',
              `The union of ${element} gained ${describeType(branch)}.`,
              undefined,
              branch.raw,
            ),
          );
        }
      });
      ua.branches.forEach((branch, j) => {
        if (!b.branches.some((x) => branchKey(x) === branchKey(branch))) {
          out.push(
            change(
              'UNION_BRANCH_REMOVED',
              { node: branch, path: [...old.path, j] },
              'previous',
              `The union of ${element} lost ${describeType(branch)}.`,
              branch.raw,
              undefined,
            ),
          );
        }
      });
      return;
    }
    default: {
      const la = (a as { logicalType?: string }).logicalType;
      const lb = (b as { logicalType?: string }).logicalType;
      if (la !== lb) {
        out.push(
          change(
            'LOGICAL_TYPE_CHANGED',
            now,
            'candidate',
            `The logical type of ${element} changed from ${la ?? '(none)'} to ${lb ?? '(none)'}.`,
            a.raw,
            b.raw,
          ),
        );
      }
    }
  }
}

function fieldDefault(field: AvroField): JsonValue | undefined {
  const raw = field.raw as { default?: JsonValue };
  return field.hasDefault ? (raw.default ?? null) : undefined;
}

function walkRecord(old: Side, now: Side, names: string[], out: SchemaChange[], seen: Set<string>): void {
  const a = old.node as Extract<AvroNode, { kind: 'record' }>;
  const b = now.node as Extract<AvroNode, { kind: 'record' }>;
  const matchedOld = new Set<number>();
  b.fields.forEach((field, j) => {
    const fieldNames = [...names, field.name];
    const at: Side = { node: b, path: [...now.path, 'fields', j] };
    let i = a.fields.findIndex((f) => f.name === field.name);
    let renamedFrom: string | undefined;
    if (i < 0) {
      i = a.fields.findIndex((f, k) => !matchedOld.has(k) && field.aliases.includes(f.name));
      if (i >= 0) renamedFrom = a.fields[i]?.name;
    }
    const previous = a.fields[i];
    if (!previous) {
      const d = fieldDefault(field);
      out.push(
        change(
          'FIELD_ADDED',
          at,
          'candidate',
          `Field \`${fieldNames.join('.')}\` (${describeType(field.type)}) was added ${d === undefined ? 'without a default' : `with default ${JSON.stringify(d)}`}.`,
          undefined,
          field.raw,
        ),
      );
      return;
    }
    matchedOld.add(i);
    if (renamedFrom !== undefined) {
      out.push(
        change(
          'FIELD_RENAMED',
          at,
          'candidate',
          `Field \`${[...names, renamedFrom].join('.')}\` was renamed to \`${field.name}\` through an alias.`,
          previous.raw,
          field.raw,
        ),
      );
    }
    const da = fieldDefault(previous);
    const db = fieldDefault(field);
    if (da === undefined && db !== undefined) {
      out.push(
        change(
          'DEFAULT_ADDED',
          at,
          'candidate',
          `Field \`${fieldNames.join('.')}\` got the default ${JSON.stringify(db)}.`,
          undefined,
          db,
        ),
      );
    } else if (da !== undefined && db === undefined) {
      out.push(
        change(
          'DEFAULT_REMOVED',
          at,
          'candidate',
          `Field \`${fieldNames.join('.')}\` lost its default ${JSON.stringify(da)}.`,
          da,
          undefined,
        ),
      );
    } else if (da !== undefined && db !== undefined && JSON.stringify(da) !== JSON.stringify(db)) {
      out.push(
        change(
          'DEFAULT_CHANGED',
          at,
          'candidate',
          `The default of field \`${fieldNames.join('.')}\` changed from ${JSON.stringify(da)} to ${JSON.stringify(db)}.`,
          da,
          db,
        ),
      );
    }
    walk(
      { node: previous.type, path: [...old.path, 'fields', i, 'type'] },
      { node: field.type, path: [...now.path, 'fields', j, 'type'] },
      fieldNames,
      out,
      seen,
    );
  });
  a.fields.forEach((field, i) => {
    if (matchedOld.has(i)) return;
    const d = fieldDefault(field);
    out.push(
      change(
        'FIELD_REMOVED',
        { node: a, path: [...old.path, 'fields', i] },
        'previous',
        `Field \`${[...names, field.name].join('.')}\` (${describeType(field.type)}${d === undefined ? ', no default' : `, default ${JSON.stringify(d)}`}) was removed.`,
        field.raw,
        undefined,
      ),
    );
  });
}
