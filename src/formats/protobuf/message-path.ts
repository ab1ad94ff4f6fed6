/**
 * Where a message sits in its .proto file, as the message-index array of Confluent's wire format
 * names it: the index of its top-level message among the file's messages, then its index among
 * each parent's nested messages (enums and extensions are not counted). As confluent-kafka's
 * `_create_index_array` and schema-registry's `ProtobufSchema.toMessageIndexes` compute it.
 */
import type { DescFile, DescMessage } from '@bufbuild/protobuf';
import { DecodeError } from '../../errors';

/** The message-index path of `message` in its file: [0] for the file's first message. */
export function messageIndexPath(message: DescMessage): number[] {
  const path: number[] = [];
  let current = message;
  while (current.parent) {
    path.unshift(current.parent.nestedMessages.indexOf(current));
    current = current.parent;
  }
  path.unshift(current.file.messages.indexOf(current));
  return path;
}

/** The message a message-index path names in `file`; a path that leads nowhere is a DecodeError. */
export function messageAtPath(file: DescFile, path: readonly number[], schemaId?: number): DescMessage {
  let candidates: readonly DescMessage[] = file.messages;
  let found: DescMessage | undefined;
  for (const [depth, index] of path.entries()) {
    found = candidates[index];
    if (!found) {
      const where = depth === 0 ? `${file.name}.proto` : (path.slice(0, depth).join('.') ?? '');
      throw new DecodeError(
        `message index path [${path.join(', ')}] names no message: ${where} has ${candidates.length} message(s) at depth ${depth}`,
        schemaId,
      );
    }
    candidates = found.nestedMessages;
  }
  if (!found) throw new DecodeError('an empty message index path names no message', schemaId);
  return found;
}
