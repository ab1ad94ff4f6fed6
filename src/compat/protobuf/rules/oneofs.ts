/**
 * Oneof membership: moving one field into a new oneof is safe; moving a field into a oneof that
 * already had members, moving several fields into one, or taking a field out of its oneof
 * changes which values clear which (a reader keeps only the last member it reads).
 */
import type { DescOneof } from '@bufbuild/protobuf';
import { fieldName, overFields, type ProtobufRule } from '../rule';

export const PROTO_FIELD_ONEOF_CHANGED: ProtobufRule = {
  id: 'PROTO_FIELD_ONEOF_CHANGED',
  family: 'protobuf/oneofs',
  purpose: 'A field moved into, out of or between oneofs (only one field into a new oneof is safe).',
  check: (pair) =>
    overFields(pair, 'PROTO_FIELD_ONEOF_CHANGED', (f) => {
      if (!f.previous || !f.candidate || f.previous.oneof?.name === f.candidate.oneof?.name) return undefined;
      const before = f.previous.parent;
      const into: DescOneof | undefined = f.candidate.oneof;
      const existed = into !== undefined && before.oneofs.some((o) => o.name === into.name);
      const movedTogether = into
        ? into.fields.filter((member) => before.fields.some((p) => p.number === member.number && !p.oneof)).length
        : 0;
      const safe = !f.previous.oneof && into !== undefined && !existed && movedTogether === 1;
      const from = f.previous.oneof ? `oneof ${f.previous.oneof.name}` : 'no oneof';
      const to = into ? `${existed ? 'existing' : 'new'} oneof ${into.name}` : 'no oneof';
      return { breaking: !safe, message: `${fieldName(f)} moved from ${from} to ${to}` };
    }),
};

export const PROTOBUF_ONEOF_RULES = [PROTO_FIELD_ONEOF_CHANGED];
