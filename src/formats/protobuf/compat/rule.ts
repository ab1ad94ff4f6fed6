/**
 * A Protobuf finding as data, and the pairing of two versions' messages and fields that the change
 * list (src/formats/protobuf/changes.ts) names its additions from.
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

export const fieldPath = (pair: FieldPair) => `${pair.message.typeName}/${pair.number}`;
export const fieldName = (pair: FieldPair) =>
  `field ${pair.number} of ${pair.message.typeName} (${pair.previous?.name ?? pair.candidate?.name})`;
