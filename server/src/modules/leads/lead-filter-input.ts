import { AppError } from '../../http/errors.ts';
import { fieldErrors, validatorCompiler } from '../../http/validation.ts';
import { LeadFiltersQuery } from './leads.schemas.ts';

const filtersShape = validatorCompiler({ schema: LeadFiltersQuery, httpPart: 'querystring' }) as unknown as {
  (data: unknown): boolean;
  errors?: Parameters<typeof fieldErrors>[0] | null;
};

/**
 * The list's filters given as a JSON object (a saved view's, a report's), checked and coerced as the list's
 * query string is: a copy, with problems naming `<prefix><param>`.
 */
export function coerceLeadFilters(filters: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const copy = structuredClone(filters);
  if (!filtersShape(copy)) {
    const errors = fieldErrors(filtersShape.errors ?? []).map((e) => ({ ...e, path: `${prefix}${e.path}` }));
    throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  return copy;
}
