export { MAGIC_BYTE, HEADER_SIZE, encodeFrame, encodeHeader } from './encode';
export { decodeFrame, type Frame } from './decode';
export { previewBytes, type BytesPreview } from './preview';
export {
  encodeMessageIndexes,
  decodeMessageIndexes,
  encodeProtobufFrame,
  decodeProtobufFrame,
  type ProtobufFrame,
} from './message-indexes';
