/**
 * Avro reading and writing for a contract. The reader side is the contract's own schemas; the
 * writer side is whatever schema a message's header names. Each writer schema gets a plan once
 * (per union branch: the reader event and, if the schemas differ, an avsc resolver), so schema
 * evolution works both ways and a message costs one varint read and one record decode.
 */
import * as avro from 'avsc';
import { parseAvroSchemas } from './types';
import type { EventContract, GeneratedEventCodec, TopicContract } from '../../contract';
import { DecodeError, EventValidationError, UnknownEventTypeError, type ValidationIssue } from '../../errors';
import { assertValidEvent } from '../../validation/events';
import { encodeHeader, HEADER_SIZE } from '../../wire/encode';
import type { EventCodec } from '../format';
import { avroCodecFingerprint } from './fingerprint';

export interface ReaderEvent {
  eventType: string;
  type: avro.Type;
}

export interface AvroReader {
  /** subject → parsed type, for every schema of the contract. */
  bySubject: Map<string, avro.Type>;
  /** Avro full name → event. */
  byName: Map<string, ReaderEvent>;
}

export function buildAvroReader(contract: TopicContract): AvroReader {
  const { types } = parseAvroSchemas(contract.schemas.map((s) => JSON.parse(s.schema) as unknown));
  const bySubject = new Map<string, avro.Type>();
  contract.schemas.forEach((s, i) => bySubject.set(s.subject, types[i]!));
  const byName = new Map<string, ReaderEvent>();
  for (const event of Object.values(contract.events)) {
    const type = findNamed(types, event.name);
    if (type) byName.set(event.name, { eventType: event.eventType, type });
  }
  return { bySubject, byName };
}

function findNamed(types: avro.Type[], name: string): avro.Type | undefined {
  for (const t of types) {
    if (t.name === name) return t;
    if (isUnion(t)) for (const b of t.types) if (b.name === name) return b;
  }
  return undefined;
}

type UnionType = avro.types.WrappedUnionType | avro.types.UnwrappedUnionType;

function isUnion(type: avro.Type): type is UnionType {
  return type.typeName === 'union:wrapped' || type.typeName === 'union:unwrapped';
}

/** How to write one event: the subject's type and, for a union, the branch index. */
export interface WritePlan {
  record: avro.Type;
  branch: number | undefined;
}

export function writePlan(subjectType: avro.Type, eventName: string): WritePlan | undefined {
  if (isUnion(subjectType)) {
    const branch = subjectType.types.findIndex((t) => t.name === eventName);
    return branch < 0 ? undefined : { record: subjectType.types[branch]!, branch };
  }
  return subjectType.name === eventName ? { record: subjectType, branch: undefined } : undefined;
}

let scratch = Buffer.allocUnsafe(16 * 1024);

/** One copy out of the scratch buffer (from Node's pool for small events), no view in between. */
function copyOut(end: number): Buffer {
  const out = Buffer.allocUnsafe(end);
  scratch.copy(out, 0, 0, end);
  return out;
}

/**
 * Writes with codegen's specialised encoder (which validates as it writes). When it refuses the
 * event, the event's validator says why, with the errors the kit always gave; should the validator
 * accept it, avsc has the last word (its error, or its bytes).
 */
function writeGenerated(
  header: Buffer,
  plan: WritePlan,
  generated: GeneratedEventCodec,
  event: EventContract,
  value: Record<string, unknown>,
  eventType: string,
): Buffer {
  for (;;) {
    for (let i = 0; i < header.length; i++) scratch[i] = header[i]!;
    let pos = header.length;
    if (plan.branch !== undefined) pos = writeVarint(scratch, pos, plan.branch * 2);
    const end = pos < 0 ? scratch.length + 1 : generated.write(value, scratch, pos);
    if (end < 0) {
      assertValidEvent(event, value);
      return writeAvro(header, plan, value, eventType);
    }
    if (end <= scratch.length) return copyOut(end);
    scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, end + 1024));
  }
}

/** Writes header + (union index) + record into one buffer; throws EventValidationError when avsc refuses. */
export function writeAvro(header: Buffer, plan: WritePlan, event: unknown, eventType: string): Buffer {
  for (;;) {
    // five bytes: a plain loop is cheaper than Buffer#copy's call overhead
    for (let i = 0; i < header.length; i++) scratch[i] = header[i]!;
    let pos = header.length;
    if (plan.branch !== undefined) pos = writeVarint(scratch, pos, plan.branch * 2);
    let end: number;
    try {
      end = pos < 0 ? pos : plan.record.encode(event, scratch, pos);
    } catch (cause) {
      throw new EventValidationError(eventType, avroIssues(plan.record, event, cause));
    }
    if (end >= 0) return copyOut(end);
    scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end + 1024));
  }
}

/** Zig-zag encoded already; returns the new position or a negative number when out of room. */
function writeVarint(buf: Buffer, pos: number, value: number): number {
  let n = value;
  while (n > 0x7f) {
    if (pos >= buf.length) return -1;
    buf[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  if (pos >= buf.length) return -1;
  buf[pos++] = n;
  return pos;
}

/** Reads a zig-zag varint (an Avro int); undefined when truncated or too long. */
function readVarint(buf: Buffer, pos: number): { value: number; offset: number } | undefined {
  let result = 0;
  let shift = 0;
  for (let i = pos; i < buf.length && shift <= 28; i++) {
    const byte = buf[i]!;
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value: (result >>> 1) ^ -(result & 1), offset: i + 1 };
    shift += 7;
  }
  return undefined;
}

function avroIssues(type: avro.Type, value: unknown, cause: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  type.isValid(value, {
    errorHook: (path: string[], _value: unknown, at: avro.Type) => {
      const expected = at.typeName.startsWith('logical:') ? at.typeName.slice(8) : (at.name ?? at.typeName);
      issues.push({
        path: path.map((p) => `/${p}`).join(''),
        expected,
        keyword: 'avro',
        message: `must be ${expected}`,
      });
    },
  });
  if (issues.length === 0) {
    issues.push({ path: '', expected: type.name ?? type.typeName, keyword: 'avro', message: (cause as Error).message });
  }
  return issues;
}

/** Codegen's reader of one event's body (GeneratedEventCodec.read), where it applies. */
type FastRead = GeneratedEventCodec['read'];

type BranchPlan =
  | {
      kind: 'read';
      eventType: string;
      type: avro.Type;
      resolver: avro.Resolver | undefined;
      fast: FastRead | undefined;
    }
  | { kind: 'unknown'; writer: avro.Type }
  | { kind: 'incompatible'; eventType: string; reason: string };

export interface ReadPlan {
  union: boolean;
  branches: BranchPlan[];
}

/**
 * `fastRead`: codegen's reader for an event, when it was generated from the reader's own type; it
 * is used where the writer's type is the reader's (no resolution), the rest goes through avsc.
 */
export function readPlan(
  reader: AvroReader,
  writer: avro.Type,
  schemaId: number,
  fastRead: (eventType: string, type: avro.Type) => FastRead | undefined = () => undefined,
): ReadPlan {
  const union = isUnion(writer);
  const writers = union ? writer.types : [writer];
  const branches = writers.map((w): BranchPlan => {
    const target = w.name ? reader.byName.get(w.name) : undefined;
    if (!target) return { kind: 'unknown', writer: w };
    if (target.type.equals(w)) {
      const fast = fastRead(target.eventType, target.type);
      return { kind: 'read', eventType: target.eventType, type: target.type, resolver: undefined, fast };
    }
    try {
      const resolver = target.type.createResolver(w);
      return { kind: 'read', eventType: target.eventType, type: target.type, resolver, fast: undefined };
    } catch (cause) {
      return { kind: 'incompatible', eventType: target.eventType, reason: (cause as Error).message };
    }
  });
  if (!union && writers[0]?.typeName !== 'record') {
    throw new DecodeError(
      `schema ${schemaId} is a ${writers[0]?.typeName ?? 'type'}, not a record or a union of records`,
      schemaId,
    );
  }
  return { union, branches };
}

/** Reads the event whose Avro body runs from `start` to the end of `message` (the wire header stays in place: no view is made). */
export function readAvro(
  plan: ReadPlan,
  message: Buffer,
  start: number,
  schemaId: number,
  discriminator: string,
  known: readonly string[],
): { eventType: string; event: Record<string, unknown>; schemaId: number } {
  let pos = start;
  let branch: BranchPlan | undefined = plan.branches[0];
  if (plan.union) {
    const first = message[start];
    let index: number;
    if (first !== undefined && first < 0x80) {
      // a union of fewer than 64 branches: its index is one byte (no varint object)
      index = (first >>> 1) ^ -(first & 1);
      pos = start + 1;
    } else {
      const read = readVarint(message, start);
      if (!read) throw new DecodeError(`the body is truncated: no union branch index (schema ${schemaId})`, schemaId);
      index = read.value;
      pos = read.offset;
    }
    branch = plan.branches[index];
    if (!branch) {
      throw new DecodeError(
        `union branch ${index} does not exist in schema ${schemaId} (${plan.branches.length} branches)`,
        schemaId,
      );
    }
  }
  if (!branch) throw new DecodeError(`schema ${schemaId} has no record to read`, schemaId);
  if (branch.kind === 'read' && branch.fast) {
    // the discriminator and the exact end are checked by the generated reader; anything it
    // refuses is read again below, for avsc to say what is wrong
    const event = branch.fast(message, pos, message.length) as Record<string, unknown> | undefined;
    if (event !== undefined) return { eventType: branch.eventType, event, schemaId };
  }
  if (branch.kind === 'incompatible') {
    throw new DecodeError(`schema ${schemaId} cannot be read as ${branch.eventType}: ${branch.reason}`, schemaId);
  }
  if (branch.kind === 'unknown') {
    const value = decodeExactly(branch.writer, undefined, message, pos, schemaId);
    const stated = value !== null && typeof value === 'object' ? value[discriminator] : undefined;
    const named = typeof stated === 'string' ? stated : (branch.writer.name ?? branch.writer.typeName);
    throw new UnknownEventTypeError(named, known);
  }
  const event = decodeExactly(branch.type, branch.resolver, message, pos, schemaId);
  if (event[discriminator] !== branch.eventType) {
    throw new DecodeError(
      `a ${branch.type.name ?? branch.eventType} record says ${discriminator} ${JSON.stringify(event[discriminator])}, expected "${branch.eventType}" (schema ${schemaId})`,
      schemaId,
    );
  }
  return { eventType: branch.eventType, event, schemaId };
}

function decodeExactly(
  type: avro.Type,
  resolver: avro.Resolver | undefined,
  body: Buffer,
  pos: number,
  schemaId: number,
): Record<string, unknown> {
  let decoded: { value: unknown; offset: number };
  try {
    decoded = type.decode(body, pos, resolver);
  } catch (cause) {
    throw new DecodeError(`the body does not decode with schema ${schemaId}: ${(cause as Error).message}`, schemaId, {
      cause,
    });
  }
  if (decoded.offset < 0) throw new DecodeError(`the body is truncated (schema ${schemaId})`, schemaId);
  if (decoded.offset !== body.length) {
    throw new DecodeError(
      `${body.length - decoded.offset} unexpected byte(s) after the event (schema ${schemaId})`,
      schemaId,
    );
  }
  return decoded.value as Record<string, unknown>;
}

/**
 * The Avro codec of a contract: avsc types parsed once (on first use), plans per event and per
 * writer schema; codegen's specialised functions (the contract's `codec`) where they apply.
 */
export function createAvroCodec(contract: TopicContract): EventCodec {
  const known = Object.keys(contract.events);
  let reader: AvroReader | undefined;
  const getReader = () => (reader ??= buildAvroReader(contract));
  const generated = contract.codec?.format === 'AVRO' ? contract.codec.events : undefined;
  // a generated codec is used only for the very type it was generated from (not a stale one)
  const generatedFor = (eventType: string, type: avro.Type): GeneratedEventCodec | undefined => {
    const candidate = generated?.[eventType];
    return candidate && candidate.schema === avroCodecFingerprint(type) ? candidate : undefined;
  };
  const planFor = (subject: string, event: EventContract, schemaId: number): WritePlan => {
    const subjectType = getReader().bySubject.get(subject);
    const plan = subjectType ? writePlan(subjectType, event.name) : undefined;
    if (!plan) {
      throw new DecodeError(`the schema of subject ${subject} has no record ${event.name}`, schemaId, {
        hint: 'run `npx contracts generate`: the contract and its schemas disagree',
      });
    }
    return plan;
  };
  return {
    writer(subject, event, schemaId) {
      const plan = planFor(subject, event, schemaId);
      const header = encodeHeader(schemaId);
      return (value, eventType) => writeAvro(header, plan, value, eventType);
    },
    validatingWriter(subject, event, schemaId) {
      const plan = planFor(subject, event, schemaId);
      const fast = generatedFor(event.eventType, plan.record);
      if (!fast) return undefined;
      const header = encodeHeader(schemaId);
      return (value, eventType) => writeGenerated(header, plan, fast, event, value, eventType);
    },
    reader(schemas, schemaId) {
      let writer: avro.Type;
      try {
        const { types } = parseAvroSchemas(schemas.map((s) => JSON.parse(s.schema) as unknown));
        writer = types[types.length - 1]!;
      } catch (cause) {
        throw new DecodeError(`schema ${schemaId} is not a valid Avro schema: ${(cause as Error).message}`, schemaId, {
          cause,
        });
      }
      const plan = readPlan(getReader(), writer, schemaId, (eventType, type) => generatedFor(eventType, type)?.read);
      return (message) => readAvro(plan, message, HEADER_SIZE, schemaId, contract.discriminator, known);
    },
  };
}
