/** Pairs two versions of a .proto file: messages and enums by full name, fields by number. */
import type { DescEnum, DescFile, DescMessage } from '@bufbuild/protobuf';
import type { FieldPair, FilePair } from './rule';

function allMessages(messages: readonly DescMessage[]): DescMessage[] {
  return messages.flatMap((m) => [m, ...allMessages(m.nestedMessages)]);
}

function allEnums(file: DescFile): DescEnum[] {
  return [...file.enums, ...allMessages(file.messages).flatMap((m) => m.nestedEnums)];
}

export function pairFiles(previous: DescFile, candidate: DescFile): FilePair {
  const candidateMessages = new Map(
    allMessages(candidate.messages).map((m) => [relativeName(m.typeName, candidate), m]),
  );
  const candidateEnums = new Map(allEnums(candidate).map((e) => [relativeName(e.typeName, candidate), e]));
  const pair: FilePair = { previous, candidate, messages: [], removedMessages: [], enums: [] };
  for (const message of allMessages(previous.messages)) {
    const other = candidateMessages.get(relativeName(message.typeName, previous));
    if (!other) {
      pair.removedMessages.push(message);
      continue;
    }
    const numbers = [...new Set([...message.fields, ...other.fields].map((f) => f.number))].sort((a, b) => a - b);
    const fields: FieldPair[] = numbers.map((number) => ({
      message: other,
      number,
      previous: message.fields.find((f) => f.number === number),
      candidate: other.fields.find((f) => f.number === number),
    }));
    pair.messages.push({ previous: message, candidate: other, fields });
  }
  for (const e of allEnums(previous)) {
    const other = candidateEnums.get(relativeName(e.typeName, previous));
    if (other) pair.enums.push({ previous: e, candidate: other });
  }
  return pair;
}

/**
 * A name inside its package: a package change is its own finding (PROTO_PACKAGE_CHANGED), so the
 * messages of a renamed package still pair up and their own changes are reported too.
 */
function relativeName(typeName: string, file: DescFile): string {
  return file.proto.package ? typeName.slice(file.proto.package.length + 1) : typeName;
}
