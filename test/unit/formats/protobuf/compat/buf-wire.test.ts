/**
 * The opt-in wire reading (protobufChecks WIRE / WIRE_JSON): Confluent's verdict stays the
 * default, and with the option the changes buf breaking's category refuses break too, each
 * finding naming buf's rule. buf itself runs (the @bufbuild/buf devDependency's binary).
 */
import { checkCompatibility } from '../../../../../src/formats/compatibility';
import { protobufChecksFlag } from '../../../../../src/cli/commands/check';
import { FlagValueError } from '../../../../../src/errors';

const v1 = `syntax = "proto3";
package shop;
enum Channel { CHANNEL_UNSPECIFIED = 0; WEB = 1; }
message Order {
  int32 quantity = 1;
  oneof contact { string email = 2; string phone = 3; }
  Channel channel = 4;
  string note = 5;
}
`;

/** Three changes Confluent accepts and buf's WIRE refuses: a number made repeated, a member out of its oneof, an enum made an int32. */
const v2 = `syntax = "proto3";
package shop;
enum Channel { CHANNEL_UNSPECIFIED = 0; WEB = 1; }
message Order {
  repeated int32 quantity = 1;
  string email = 2;
  oneof contact { string phone = 3; }
  int32 channel = 4;
  string note = 5;
}
`;

const check = (previous: string, candidate: string, protobufChecks?: 'CONFLUENT' | 'WIRE' | 'WIRE_JSON') =>
  checkCompatibility({
    format: 'PROTOBUF',
    level: 'BACKWARD',
    previous: [{ schema: previous }],
    candidate: { schema: candidate },
    protobufChecks,
  });

describe('Protobuf checks: Confluent by default, buf breaking WIRE on request', () => {
  it("keeps Confluent's verdict by default: the three changes are accepted", () => {
    expect(check(v1, v2).compatible).toBe(true);
    expect(check(v1, v2, 'CONFLUENT').compatible).toBe(true);
  });

  it("with WIRE refuses each, naming buf's rule", () => {
    const result = check(v1, v2, 'WIRE');
    expect(result.compatible).toBe(false);
    expect(result.findings.map((f) => f.ruleId)).toEqual([
      'PROTO_BUF_BREAKING',
      'PROTO_BUF_BREAKING',
      'PROTO_BUF_BREAKING',
    ]);
    const text = result.findings.map((f) => f.message).join('\n');
    expect(text).toContain('FIELD_WIRE_COMPATIBLE_CARDINALITY');
    expect(text).toContain('FIELD_SAME_ONEOF');
    expect(text).toContain('FIELD_WIRE_COMPATIBLE_TYPE');
    expect(result.findings.map((f) => f.path).sort()).toEqual(['/Order/1', '/Order/2', '/Order/4']);
  });

  it('with WIRE accepts what buf accepts: a field added, a field renamed', () => {
    const added = v1.replace('string note = 5;', 'string note = 5;\n  string coupon = 6;');
    expect(check(v1, added, 'WIRE')).toEqual({ compatible: true, findings: [] });
    // a rename is wire-compatible (WIRE) and not JSON-compatible (WIRE_JSON)
    const renamed = v1.replace('string note = 5;', 'string remark = 5;');
    expect(check(v1, renamed, 'WIRE').compatible).toBe(true);
    const json = check(v1, renamed, 'WIRE_JSON');
    expect(json.compatible).toBe(false);
    expect(json.findings[0]!.message).toContain('FIELD_SAME_JSON_NAME');
  });

  it('with WIRE still reports what Confluent refuses', () => {
    const retyped = v1.replace('string note = 5;', 'int64 note = 5;');
    const result = check(v1, retyped, 'WIRE');
    expect(result.compatible).toBe(false);
    expect(result.findings.map((f) => f.ruleId)).toContain('PROTO_FIELD_SCALAR_TYPE_CHANGED');
  });

  it('takes --protobuf-checks in any case and refuses anything else with a FlagValueError', () => {
    expect(protobufChecksFlag('wire')).toBe('WIRE');
    expect(protobufChecksFlag(undefined)).toBe('CONFLUENT');
    expect(() => protobufChecksFlag('strict')).toThrow(FlagValueError);
    expect(() => protobufChecksFlag('strict')).toThrow(/none of CONFLUENT, WIRE, WIRE_JSON/);
  });
});
