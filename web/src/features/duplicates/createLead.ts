import { useMutation } from '@tanstack/react-query';
import { api } from '../../lib/api';
import type { paths } from '../../lib/api-types';
import { ApiError, networkError, toApiError } from '../../lib/problem';
import { useLeadSaved } from '../leads/leads.queries';
import type { CreateLeadBody, Lead } from '../leads/leads.types';

type CreatePath = paths['/api/v1/leads']['post'];
export type OnDuplicate = NonNullable<NonNullable<CreatePath['parameters']['query']>['onDuplicate']>;
export type CreatedLead = CreatePath['responses'][201]['content']['application/json'];
export type DuplicateOutcome = CreatePath['responses'][200]['content']['application/json'];

export interface BlockedMatch {
  id: string;
  name: string;
  matchedOn: string[];
}

/** The 409 of a blocked duplicate, with the matching leads the caller may see (the problem's `duplicates`). */
export class DuplicateLeadError extends ApiError {
  readonly duplicates: BlockedMatch[];

  constructor(base: ApiError, duplicates: BlockedMatch[]) {
    super(base.problem, base.retryAfter);
    this.duplicates = duplicates;
  }
}

function matchesOf(body: unknown): BlockedMatch[] {
  if (typeof body !== 'object' || body === null || !('duplicates' in body) || !Array.isArray(body.duplicates))
    return [];
  return body.duplicates.filter(
    (d): d is BlockedMatch =>
      typeof d === 'object' && d !== null && typeof d.id === 'string' && typeof d.name === 'string',
  );
}

export type CreateAnswer = { kind: 'created'; lead: CreatedLead } | { kind: 'existing'; outcome: DuplicateOutcome };

async function createLead(body: CreateLeadBody, onDuplicate?: OnDuplicate): Promise<CreateAnswer> {
  const call = api.POST('/api/v1/leads', { body, params: { query: onDuplicate ? { onDuplicate } : {} } });
  const { data, error, response } = await call.catch(() => {
    throw networkError();
  });
  if (!response.ok || !data) {
    const problem = toApiError(error, response);
    throw problem.code === 'duplicate_lead' ? new DuplicateLeadError(problem, matchesOf(error)) : problem;
  }
  return response.status === 201
    ? { kind: 'created', lead: data as CreatedLead }
    : { kind: 'existing', outcome: data as DuplicateOutcome };
}

/** Creates a lead as the new-lead form does, keeping a blocked duplicate's matches for the form to show. */
export function useCreateLeadChecked() {
  const saved = useLeadSaved();
  return useMutation({
    mutationFn: ({ body, onDuplicate }: { body: CreateLeadBody; onDuplicate?: OnDuplicate }) =>
      createLead(body, onDuplicate),
    onSuccess: (answer) => {
      if (answer.kind === 'created') saved(answer.lead as Lead);
      else if (answer.outcome.lead) saved(answer.outcome.lead);
    },
  });
}
