/**
 * GitHub Actions workflow commands (`::error file=…,line=…,title=…::message`), escaped as the
 * runner expects so a message with newlines, colons or commas stays one annotation.
 */
export interface AnnotationTarget {
  /** Path relative to the repository root (the job's working directory). */
  file?: string;
  line?: number;
  title?: string;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function annotation(kind: 'error' | 'warning' | 'notice', target: AnnotationTarget, message: string): string {
  const props = [
    target.file !== undefined ? `file=${escapeProperty(target.file)}` : undefined,
    target.line !== undefined ? `line=${target.line}` : undefined,
    target.title !== undefined ? `title=${escapeProperty(target.title)}` : undefined,
  ].filter((p): p is string => p !== undefined);
  return `::${kind}${props.length > 0 ? ` ${props.join(',')}` : ''}::${escapeData(message)}\n`;
}
