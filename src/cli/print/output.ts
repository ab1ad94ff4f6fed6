/**
 * How a command prints: text for people (coloured on a TTY), JSON for tools, or GitHub Actions
 * annotations for CI. Commands pick a printer; printers take the library's data and return text.
 */
import pc from 'picocolors';
import { FlagValueError } from '../../errors';

export const OUTPUT_FORMATS = ['text', 'json', 'github'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export type Colors = ReturnType<typeof pc.createColors>;

/** A `--format` value, one of the formats the command prints (all of them unless it says). */
export function parseFormat<F extends OutputFormat = OutputFormat>(
  value: string | undefined,
  formats: readonly F[] = OUTPUT_FORMATS as readonly OutputFormat[] as readonly F[],
): F {
  const format = value ?? 'text';
  if (!(formats as readonly string[]).includes(format)) {
    throw new FlagValueError(
      '--format',
      format,
      formats,
      `--format ${format} is not a format${formats.length < OUTPUT_FORMATS.length ? ' of this command' : ''}`,
      `use one of ${formats.join(', ')}`,
    );
  }
  return format as F;
}

/** Colours when the stream is a terminal, unless NO_COLOR is set; FORCE_COLOR forces them. */
export function colorsFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Colors {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  return pc.createColors(forced || (Boolean(stream.isTTY) && env.NO_COLOR === undefined));
}

/** A JSON fragment on one line, shortened for a terminal. */
export function fragment(value: unknown, max = 160): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
