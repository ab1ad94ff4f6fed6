import type { SubjectOrigin } from './types';

/** The fields that say where a subject comes from (subject, topic, format, file). */
export function origin(local: SubjectOrigin): SubjectOrigin {
  return { subject: local.subject, topic: local.topic, format: local.format, file: local.file, path: local.path };
}
