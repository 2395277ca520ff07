import { useCallback, useState } from 'react';
import { ApiError, errorMessage, fieldOfPath } from './problem';

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

/** Validators often say only "is already in use": name the field so the sentence stands on its own. */
function withLabel(label: string | undefined, message: string): string {
  return label && /^[a-z]/.test(message) ? `${label} ${message}` : message;
}

/**
 * Splits a failed call's problem between a form's fields and the form itself: a message the API tied to a
 * known field goes under it (the first one wins), the rest become the form's own message; a problem without
 * field errors (or any other error) is the form's message alone.
 */
export function placeFormErrors<F extends string>(
  error: unknown,
  isField: (name: string) => name is F,
  labels?: Partial<Record<F, string>>,
): { fieldErrors: FieldErrors<F>; formError: string | null } {
  const fieldErrors: FieldErrors<F> = {};
  const unplaced: string[] = [];
  if (error instanceof ApiError && error.problem.errors?.length) {
    for (const item of error.problem.errors) {
      const field = fieldOfPath(item.path);
      if (isField(field) && !fieldErrors[field]) fieldErrors[field] = withLabel(labels?.[field], item.message);
      else unplaced.push(item.message);
    }
  }
  if (Object.keys(fieldErrors).length === 0) return { fieldErrors, formError: errorMessage(error) };
  return { fieldErrors, formError: unplaced.length > 0 ? unplaced.join(' ') : null };
}

/**
 * Server and client errors of one form: messages the API tied to a known field go under that field, the rest
 * (and any problem without field errors) become the form's own message, shown in an alert.
 */
export function useFormErrors<F extends string>(fields: readonly F[], labels?: Partial<Record<F, string>>) {
  const [fieldErrors, setFieldErrors] = useState<FieldErrors<F>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const isField = useCallback((name: string): name is F => (fields as readonly string[]).includes(name), [fields]);

  const fromError = useCallback(
    (error: unknown) => {
      const placed = placeFormErrors(error, isField, labels);
      setFieldErrors(placed.fieldErrors);
      setFormError(placed.formError);
    },
    [isField, labels],
  );

  const clear = useCallback(() => {
    setFieldErrors({});
    setFormError(null);
  }, []);

  const clearField = useCallback((field: F) => {
    setFieldErrors((current) => {
      if (!current[field]) return current;
      const next = { ...current };
      delete next[field];
      return next;
    });
  }, []);

  return { fieldErrors, formError, setFieldErrors, setFormError, fromError, clear, clearField };
}
