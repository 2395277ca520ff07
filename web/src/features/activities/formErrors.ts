import { ApiError, errorMessage } from '../../lib/problem';

/** `/next/dueAt`, `body.next.dueAt` and `next.dueAt` all name `next.dueAt`. */
export function normalisePath(path: string): string {
  return path
    .replace(/^\//, '')
    .replace(/^body[./]/, '')
    .replace(/\//g, '.');
}

export interface ProblemFields {
  /** Messages by field path (`dueAt`, `next.dueAt`), the first one per path. */
  fields: Record<string, string>;
  /** What could not be placed under a shown field, as one sentence; null when everything was placed. */
  message: string | null;
}

/**
 * Splits a failed call's problem into messages under the fields a form shows (nested paths kept whole, unlike
 * the one-level `useFormErrors`) and the rest, for an alert.
 */
export function problemFields(error: unknown, shown: readonly string[]): ProblemFields {
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  if (error instanceof ApiError && error.problem.errors?.length) {
    for (const item of error.problem.errors) {
      const path = normalisePath(item.path);
      if (shown.includes(path) && !fields[path]) fields[path] = sentenceCase(item.message);
      else rest.push(item.path ? `${labelOf(path)} ${item.message}` : item.message);
    }
    return { fields, message: rest.length > 0 ? rest.join('; ') : null };
  }
  return { fields, message: errorMessage(error) };
}

function sentenceCase(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

function labelOf(path: string): string {
  const last = path.split('.').at(-1) ?? path;
  return last.replace(/([A-Z])/g, ' $1').toLowerCase();
}
