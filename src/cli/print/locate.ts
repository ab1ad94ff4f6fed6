/**
 * Where a finding's schema path is in the schema file's text: the line of the deepest element of
 * the path that the file has (a path may continue into a type defined in another file).
 */
import { readFileSync } from 'node:fs';
import { type Node, parseTree } from 'jsonc-parser';

function unescape(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The 1-based line of `pointer` in `text`. With `parentOfGone`, the element no longer exists in
 * this text (a removed field, property or branch): the line of what contained it.
 */
export function lineOfPointer(text: string, pointer: string, options: { parentOfGone?: boolean } = {}): number {
  const root = parseTree(text);
  if (!root) return 1;
  let segments = pointer === '' ? [] : pointer.split('/').slice(1).map(unescape);
  if (options.parentOfGone && segments.length > 0) {
    segments = segments.slice(0, -1);
    const last = segments[segments.length - 1];
    if (last === 'fields' || last === 'properties' || last === 'symbols') segments = segments.slice(0, -1);
  }
  let node: Node = root;
  let offset = root.offset;
  for (const segment of segments) {
    if (node.type === 'object') {
      const property = node.children?.find((p) => p.children?.[0]?.value === segment);
      const value = property?.children?.[1];
      if (!property || !value) break;
      offset = property.offset;
      node = value;
    } else if (node.type === 'array' && /^\d+$/.test(segment)) {
      const item = node.children?.[Number(segment)];
      if (!item) break;
      offset = item.offset;
      node = item;
    } else {
      break;
    }
  }
  return lineAt(text, offset);
}

/** Reads the file (once per call site's cache) and finds the line; 1 when the file cannot be read. */
export function createLineFinder(): (file: string, pointer: string, parentOfGone?: boolean) => number {
  const texts = new Map<string, string | null>();
  return (file, pointer, parentOfGone) => {
    if (!texts.has(file)) {
      try {
        texts.set(file, readFileSync(file, 'utf8'));
      } catch {
        texts.set(file, null);
      }
    }
    const text = texts.get(file);
    return text ? lineOfPointer(text, pointer, { parentOfGone }) : 1;
  };
}
