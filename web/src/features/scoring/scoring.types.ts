/**
 * Lead scoring as the API serves it (`/api/v1/scoring/*`, `/api/v1/leads/{id}/score`). The queries check that the
 * generated API types are assignable to these, so a change of the API is a compile error here.
 */
export type ScoreTier = 'hot' | 'warm' | 'cold';

export interface ScoreReason {
  label: string;
  points: number;
  /** The lead field it comes from; null for behaviour and age. */
  field?: string | null;
}

export interface LeadScore {
  score: number | null;
  tier: ScoreTier | null;
  probability: number | null;
  source: 'rules' | 'model' | null;
  modelId: string | null;
  scoredAt: string | null;
  reasons: ScoreReason[];
}

export interface ScoringSettings {
  hotFrom: number;
  warmFrom: number;
  horizonDays: number;
  retrainDays: number;
}

export interface Behaviour {
  key: string;
  label: string;
  takesWindow: boolean;
}

export const operators = ['equals', 'in', 'contains', 'gte', 'lte', 'is_set', 'is_empty'] as const;
export type Operator = (typeof operators)[number];

export interface ScoreRule {
  id: string;
  label: string;
  kind: 'field' | 'behaviour';
  field: string | null;
  operator: Operator | null;
  value: unknown;
  behaviour: string | null;
  windowDays: number | null;
  points: number;
  active: boolean;
  position: number;
  createdAt: string;
  updatedAt: string;
}

/** What a rule is saved with (POST, or PATCH with the same shape). */
export interface RuleBody {
  label: string;
  kind: 'field' | 'behaviour';
  field?: string | null;
  operator?: Operator | null;
  value?: unknown;
  behaviour?: string | null;
  windowDays?: number | null;
  points: number;
  active?: boolean;
}

/** A bin of predicted chances on the hold-out; predicted and observed are null for an empty bin. */
export interface ReliabilityBin {
  from: number;
  to: number;
  predicted: number | null;
  observed: number | null;
  count: number;
}

/** Quality on the time-ordered hold-out; a measure is null when the hold-out cannot give it (e.g. no win in it). */
export interface ModelMetrics {
  auc: number | null;
  brier: number | null;
  liftTop10: number | null;
  baseRate: number | null;
  holdout: { examples: number; positives: number; from: string; to: string };
  reliability: ReliabilityBin[];
  train: { examples: number; positives: number };
}

export type ModelStatus = 'training' | 'candidate' | 'active' | 'retired' | 'failed';

export interface ScoreModel {
  id: string;
  status: ModelStatus;
  horizonDays: number;
  trainedAt: string | null;
  examples: number;
  positives: number;
  metrics: ModelMetrics | null;
  features: { name: string; label: string; weight: number }[];
  error: string | null;
  activatedAt: string | null;
  retiredAt: string | null;
  createdAt: string;
}

export interface ScoringStatus {
  closedLeads: number;
  wonLeads: number;
  lostLeads: number;
  threshold: { closed: number; won: number; lost: number };
  canTrain: boolean;
  activeModelId: string | null;
  lastScoredAt: string | null;
}
