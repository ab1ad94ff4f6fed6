/**
 * Avro reader/writer compatibility, following the rules Apache Avro's Java `SchemaCompatibility`
 * applies (and so Confluent Schema Registry): can data written with `writer` be read with `reader`?
 *
 * Like Java, logical types are ignored (a decimal reads as its bytes/fixed), reader/writer pairs
 * are memoized by node identity and a pair met again while it is being checked counts as
 * compatible (that is what makes recursive types terminate). The verdict is Java's; the details
 * are sometimes richer: where Java only says "reader union lacking writer type" we report what
 * breaks inside the union branch that has the writer's type and name.
 */
import type { JsonValue } from '../../../compat/types';
import type { AvroField, AvroNode, NamedNode, RecordNode, UnionNode } from './parse';
import { describeType } from './parse';

export type AvroIssueKind =
  | 'READER_FIELD_MISSING_DEFAULT'
  | 'FIELD_ALIAS_AMBIGUOUS'
  | 'TYPE_MISMATCH'
  | 'MISSING_UNION_BRANCH'
  | 'NAME_MISMATCH'
  | 'FIXED_SIZE_MISMATCH'
  | 'MISSING_ENUM_SYMBOLS';

type Segment = string | number;

/** One incompatibility, with paths relative to the pair it was found in. */
export interface AvroIssue {
  kind: AvroIssueKind;
  readerPath: Segment[];
  writerPath: Segment[];
  /** Field names from the pair down to the element, on each side (`[]` marks array items, `{}` map values). */
  readerNames: string[];
  writerNames: string[];
  /** The element exists only in the reader (a reader field the writer lacks). */
  readerOnly: boolean;
  readerFragment?: JsonValue;
  writerFragment?: JsonValue;
  /** How each side reads to a person (type, name, size). */
  readerText?: string;
  writerText?: string;
  /** Rule-specific detail that does not depend on direction (symbols, union member). */
  detail?: string;
  /** For issues about a named type: its kind and name on each side. */
  named?: { kind: string; readerName: string; writerName: string };
}

const PROMOTIONS: Record<string, readonly string[]> = {
  long: ['int'],
  float: ['int', 'long'],
  double: ['int', 'long', 'float'],
  bytes: ['string'],
  string: ['bytes'],
};

function isNamed(node: AvroNode): node is NamedNode {
  return node.kind === 'record' || node.kind === 'enum' || node.kind === 'fixed';
}

/** Java's `schemaNameEquals`: same short name, or one of the reader's aliases is the writer's full name. */
export function namesMatch(reader: NamedNode, writer: NamedNode): boolean {
  return reader.name === writer.name || reader.aliases.includes(writer.fullname);
}

function prefix(
  issues: AvroIssue[],
  readerSegments: Segment[],
  writerSegments: Segment[],
  readerName?: string,
  writerName?: string,
): AvroIssue[] {
  if (issues.length === 0) return issues;
  return issues.map((issue) => ({
    ...issue,
    readerPath: [...readerSegments, ...issue.readerPath],
    writerPath: [...writerSegments, ...issue.writerPath],
    readerNames: readerName === undefined ? issue.readerNames : [readerName, ...issue.readerNames],
    writerNames: writerName === undefined ? issue.writerNames : [writerName, ...issue.writerNames],
  }));
}

function issue(kind: AvroIssueKind, reader: AvroNode, writer: AvroNode, extra: Partial<AvroIssue> = {}): AvroIssue {
  return {
    kind,
    readerPath: [],
    writerPath: [],
    readerNames: [],
    writerNames: [],
    readerOnly: false,
    readerFragment: reader.raw,
    writerFragment: writer.raw,
    readerText: describeType(reader),
    writerText: describeType(writer),
    ...extra,
  };
}

export class AvroCompatibilityChecker {
  private readonly memo = new Map<string, AvroIssue[]>();
  private readonly inProgress = new Set<string>();

  /** Issues that stop `reader` from reading data written with `writer`; empty when compatible. */
  check(reader: AvroNode, writer: AvroNode): AvroIssue[] {
    const key = `${reader.id}:${writer.id}`;
    const known = this.memo.get(key);
    if (known) return known;
    // A pair met again while it is being checked: compatible unless proven otherwise (as Java).
    if (this.inProgress.has(key)) return [];
    this.inProgress.add(key);
    const result = this.calculate(reader, writer);
    this.inProgress.delete(key);
    this.memo.set(key, result);
    return result;
  }

  private calculate(reader: AvroNode, writer: AvroNode): AvroIssue[] {
    if (reader.kind === writer.kind) {
      switch (reader.kind) {
        case 'array':
          return prefix(this.check(reader.items, (writer as typeof reader).items), ['items'], ['items'], '[]', '[]');
        case 'map':
          return prefix(
            this.check(reader.values, (writer as typeof reader).values),
            ['values'],
            ['values'],
            '{}',
            '{}',
          );
        case 'fixed': {
          const w = writer as typeof reader;
          const issues = this.checkNames(reader, w);
          if (reader.size !== w.size) {
            issues.push(
              issue('FIXED_SIZE_MISMATCH', reader, w, {
                readerPath: ['size'],
                writerPath: ['size'],
                readerFragment: reader.size,
                writerFragment: w.size,
                readerText: String(reader.size),
                writerText: String(w.size),
                named: { kind: 'fixed', readerName: reader.fullname, writerName: w.fullname },
              }),
            );
          }
          return issues;
        }
        case 'enum': {
          const w = writer as typeof reader;
          const issues = this.checkNames(reader, w);
          const missing = w.symbols.filter((s) => !reader.symbols.includes(s));
          const hasUsableDefault = reader.default !== undefined && reader.symbols.includes(reader.default);
          if (missing.length > 0 && !hasUsableDefault) {
            issues.push(
              issue('MISSING_ENUM_SYMBOLS', reader, w, {
                readerPath: ['symbols'],
                writerPath: ['symbols'],
                readerFragment: reader.symbols,
                writerFragment: w.symbols,
                detail: missing.join(', '),
                named: { kind: 'enum', readerName: reader.fullname, writerName: w.fullname },
              }),
            );
          }
          return issues;
        }
        case 'record': {
          const w = writer as typeof reader;
          return [...this.checkNames(reader, w), ...this.checkFields(reader, w)];
        }
        case 'union':
          // Every branch the writer may have written must be readable by the reader union.
          return (writer as UnionNode).branches.flatMap((branch, i) => prefix(this.check(reader, branch), [], [i]));
        default:
          return []; // same primitive
      }
    }

    if (writer.kind === 'union') {
      return writer.branches.flatMap((branch, i) => prefix(this.check(reader, branch), [], [i]));
    }
    if (reader.kind === 'union') return this.readWithUnion(reader, writer);
    if (PROMOTIONS[reader.kind]?.includes(writer.kind)) return [];
    return [issue('TYPE_MISMATCH', reader, writer)];
  }

  private readWithUnion(reader: UnionNode, writer: AvroNode): AvroIssue[] {
    for (const branch of reader.branches) {
      if (this.check(branch, writer).length === 0) return [];
    }
    // Incompatible either way; say why the branch meant for this writer type fails, if there is one.
    const intended = reader.branches.findIndex(
      (branch) => branch.kind === writer.kind && (!isNamed(branch) || namesMatch(branch, writer as NamedNode)),
    );
    const intendedBranch = reader.branches[intended];
    if (intendedBranch) return prefix(this.check(intendedBranch, writer), [intended], []);
    return [issue('MISSING_UNION_BRANCH', reader, writer, { detail: describeType(writer) })];
  }

  private checkNames(reader: NamedNode, writer: NamedNode): AvroIssue[] {
    if (namesMatch(reader, writer)) return [];
    return [
      issue('NAME_MISMATCH', reader, writer, {
        readerPath: ['name'],
        writerPath: ['name'],
        readerFragment: reader.fullname,
        writerFragment: writer.fullname,
        readerText: reader.fullname,
        writerText: writer.fullname,
        named: { kind: reader.kind, readerName: reader.fullname, writerName: writer.fullname },
      }),
    ];
  }

  private checkFields(reader: RecordNode, writer: RecordNode): AvroIssue[] {
    const issues: AvroIssue[] = [];
    for (let readerIndex = 0; readerIndex < reader.fields.length; readerIndex++) {
      const readerField = reader.fields[readerIndex] as AvroField;
      const matches = lookupWriterFields(writer, readerField);
      if (matches.length > 1) {
        issues.push({
          ...issue('FIELD_ALIAS_AMBIGUOUS', reader, writer),
          readerPath: ['fields', readerIndex],
          writerPath: [],
          readerNames: [readerField.name],
          writerNames: [readerField.name],
          readerFragment: readerField.raw,
          writerFragment: matches.map((m) => m.field.raw),
          detail: matches.map((m) => `\`${m.field.name}\``).join(' and '),
        });
        continue;
      }
      const match = matches[0];
      if (!match) {
        if (!readerField.hasDefault) {
          issues.push({
            ...issue('READER_FIELD_MISSING_DEFAULT', reader, writer),
            readerPath: ['fields', readerIndex],
            writerPath: [],
            readerNames: [readerField.name],
            writerNames: [],
            readerOnly: true,
            readerFragment: readerField.raw,
            writerFragment: undefined,
          });
        }
        continue;
      }
      issues.push(
        ...prefix(
          this.check(readerField.type, match.field.type),
          ['fields', readerIndex, 'type'],
          ['fields', match.index, 'type'],
          readerField.name,
          match.field.name,
        ),
      );
    }
    return issues;
  }
}

/** Java's `lookupWriterField`: the writer field of the same name, plus those named by the reader field's aliases. */
function lookupWriterFields(writer: RecordNode, readerField: AvroField): { field: AvroField; index: number }[] {
  const found: { field: AvroField; index: number }[] = [];
  const names = readerField.aliases.length === 0 ? [readerField.name] : [readerField.name, ...readerField.aliases];
  for (const name of names) {
    for (let index = 0; index < writer.fields.length; index++) {
      const field = writer.fields[index] as AvroField;
      if (field.name === name) found.push({ field, index });
    }
  }
  return found;
}
