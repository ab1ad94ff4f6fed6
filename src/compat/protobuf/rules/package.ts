/** The file's package: part of every type's full name, so a change renames them all. */
import type { ProtobufRule } from '../rule';

export const PROTO_PACKAGE_CHANGED: ProtobufRule = {
  id: 'PROTO_PACKAGE_CHANGED',
  family: 'protobuf/package',
  purpose: "The file's package changed: every message and enum gets another full name.",
  check: ({ previous, candidate }) =>
    previous.proto.package === candidate.proto.package
      ? []
      : [
          {
            ruleId: 'PROTO_PACKAGE_CHANGED',
            breaking: true,
            path: '',
            message: `the package changed from "${previous.proto.package}" to "${candidate.proto.package}"`,
          },
        ],
};

export const PROTOBUF_PACKAGE_RULES = [PROTO_PACKAGE_CHANGED];
