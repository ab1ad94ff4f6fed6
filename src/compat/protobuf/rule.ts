/**
 * What every Protobuf rule module exports: rules that compare two versions of a .proto file (as
 * @bufbuild/protobuf descriptors) and return findings as data. `breaking` is the verdict of
 * Confluent Schema Registry's Protobuf checker for the change; the same rule applies to BACKWARD
 * and FORWARD (Protobuf readers skip what they do not know, so every rule here is symmetric).
 */
import type { DescEnum, DescField, DescFile, DescMessage } from '@bufbuild/protobuf';

export interface ProtobufFinding {
  /** Stable rule ID (PROTO_…). */
  ruleId: string;
  breaking: boolean;
  /** Where: `<message full name>` or `<message full name>/<field number>` or `<enum full name>/<value number>`. */
  path: string;
  /** One sentence for people. */
  message: string;
}

/** The two versions, paired by full name (messages, enums) the way the registry pairs them. */
export interface FilePair {
  previous: DescFile;
  candidate: DescFile;
  /** Messages in both, with their fields paired by number. */
  messages: Array<{ previous: DescMessage; candidate: DescMessage; fields: FieldPair[] }>;
  /** Messages of the previous version missing from the candidate. */
  removedMessages: DescMessage[];
  enums: Array<{ previous: DescEnum; candidate: DescEnum }>;
}

export interface FieldPair {
  message: DescMessage;
  number: number;
  previous?: DescField;
  candidate?: DescField;
}

export interface ProtobufRule {
  id: string;
  /** Rule family (module), e.g. `protobuf/fields`. */
  family: string;
  /** One line: what the rule detects. */
  purpose: string;
  check(pair: FilePair): ProtobufFinding[];
}

export const fieldPath = (pair: FieldPair) => `${pair.message.typeName}/${pair.number}`;
export const fieldName = (pair: FieldPair) =>
  `field ${pair.number} of ${pair.message.typeName} (${pair.previous?.name ?? pair.candidate?.name})`;

/** What a field rule says about one field pair: nothing, or whether it breaks and why. */
export type FieldVerdict = { breaking: boolean; message: string } | undefined;

/** A rule's findings over every field pair of the messages both versions have, in order. */
export function overFields(
  pair: FilePair,
  ruleId: string,
  judge: (field: FieldPair) => FieldVerdict,
): ProtobufFinding[] {
  return pair.messages.flatMap(({ fields }) =>
    fields.flatMap((field) => {
      const verdict = judge(field);
      return verdict ? [{ ruleId, path: fieldPath(field), ...verdict }] : [];
    }),
  );
}
