import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import { leadsKeys } from '../leads/leads.queries';
import type {
  Behaviour,
  LeadScore,
  RuleBody,
  ScoreModel,
  ScoreRule,
  ScoringSettings,
  ScoringStatus,
} from './scoring.types';

export const scoringKeys = {
  all: ['scoring'] as const,
  settings: ['scoring', 'settings'] as const,
  behaviours: ['scoring', 'behaviours'] as const,
  rules: ['scoring', 'rules'] as const,
  models: ['scoring', 'models'] as const,
  status: ['scoring', 'status'] as const,
  lead: (id: string) => ['scoring', 'lead', id] as const,
};

/** The lead's score, tier and the reasons behind it (reasons from fields the caller cannot see are left out). */
export function useLeadScore(leadId: string) {
  return useQuery({
    queryKey: scoringKeys.lead(leadId),
    queryFn: async (): Promise<LeadScore> =>
      unwrap(api.GET('/api/v1/leads/{id}/score', { params: { path: { id: leadId } } })),
  });
}

export function useScoringSettings() {
  return useQuery({
    queryKey: scoringKeys.settings,
    queryFn: async (): Promise<ScoringSettings> => unwrap(api.GET('/api/v1/scoring/settings')),
  });
}

/** New thresholds change every lead's tier: the scores are read anew everywhere. */
export function useSaveScoringSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: ScoringSettings): Promise<ScoringSettings> =>
      unwrap(api.PUT('/api/v1/scoring/settings', { body })),
    onSuccess: (saved) => {
      queryClient.setQueryData(scoringKeys.settings, saved);
      void queryClient.invalidateQueries({ queryKey: scoringKeys.all });
    },
  });
}

export function useBehaviours() {
  return useQuery({
    queryKey: scoringKeys.behaviours,
    queryFn: async (): Promise<{ data: Behaviour[] }> => unwrap(api.GET('/api/v1/scoring/behaviours')),
    staleTime: 60 * 60_000,
  });
}

export function useScoreRules() {
  return useQuery({
    queryKey: scoringKeys.rules,
    queryFn: async (): Promise<{ data: ScoreRule[] }> => unwrap(api.GET('/api/v1/scoring/rules')),
  });
}

/** Adds a rule, or changes one (`id`); the rules are read anew. */
export function useSaveRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (
      change: { id?: undefined; body: RuleBody } | { id: string; body: Partial<RuleBody> },
    ): Promise<ScoreRule> =>
      change.id
        ? unwrap(api.PATCH('/api/v1/scoring/rules/{id}', { params: { path: { id: change.id } }, body: change.body }))
        : unwrap(api.POST('/api/v1/scoring/rules', { body: change.body as RuleBody })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: scoringKeys.rules }),
  });
}

export function useDeleteRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/scoring/rules/{id}', { params: { path: { id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: scoringKeys.rules }),
  });
}

/** The models, newest first; read again every few seconds while one is training. */
export function useScoreModels() {
  return useQuery({
    queryKey: scoringKeys.models,
    queryFn: async (): Promise<{ data: ScoreModel[] }> => unwrap(api.GET('/api/v1/scoring/models')),
    refetchInterval: (query) => (query.state.data?.data.some((m) => m.status === 'training') ? 3000 : false),
  });
}

export function useScoringStatus() {
  return useQuery({
    queryKey: scoringKeys.status,
    queryFn: async (): Promise<ScoringStatus> => unwrap(api.GET('/api/v1/scoring/status')),
  });
}

function useScoringAction<A>(call: (arg: A) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: scoringKeys.all });
      void queryClient.invalidateQueries({ queryKey: leadsKeys.lists });
    },
  });
}

/** Trains a model on the company's closed leads now (it runs in the background). */
export function useTrainModel() {
  return useScoringAction((_: undefined) => unwrap(api.POST('/api/v1/scoring/models')));
}

/** Switches a model on (the active one, if any, is kept for rollback); every lead is scored by it. */
export function useActivateModel() {
  return useScoringAction((id: string) =>
    unwrap(api.POST('/api/v1/scoring/models/{id}/activate', { params: { path: { id } } })),
  );
}

/** Switches a model off: the rules score the leads again. */
export function useRetireModel() {
  return useScoringAction((id: string) =>
    unwrap(api.POST('/api/v1/scoring/models/{id}/retire', { params: { path: { id } } })),
  );
}

/** Scores every live lead again now (in the background). */
export function useRescore() {
  return useScoringAction((_: undefined) => unwrap(api.POST('/api/v1/scoring/rescore')));
}
