/**
 * A record's bytes shown as they are, for bytes the kit could not decode: the first bytes as hex,
 * as UTF-8 (control characters and invalid sequences shown as `.`/U+FFFD) and as base64.
 */
export interface BytesPreview {
  /** Length of the whole value; 0 for a tombstone. */
  length: number;
  hex: string;
  utf8: string;
  base64: string;
  /** The preview shows only the first `max` bytes. */
  truncated: boolean;
}

export function previewBytes(value: Uint8Array | null | undefined, max = 64): BytesPreview {
  const buffer = value ? Buffer.from(value.buffer, value.byteOffset, value.length) : Buffer.alloc(0);
  const head = buffer.subarray(0, max);
  return {
    length: buffer.length,
    hex: head.toString('hex').replace(/(..)(?!$)/g, '$1 '),
    // eslint-disable-next-line no-control-regex
    utf8: head.toString('utf8').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '.'),
    base64: head.toString('base64'),
    truncated: buffer.length > max,
  };
}
