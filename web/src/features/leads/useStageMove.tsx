import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { notifyError } from '../../lib/notify';
import { ApiError, errorMessage } from '../../lib/problem';
import { type FieldValue, toApiValue } from './FieldInput';
import { fieldValue, isEmptyValue } from './fields';
import { leadsKeys, moveLeadStage, useLeadSaved } from './leads.queries';
import type { Lead, StageFields } from './leads.types';
import { type FollowUpsQuestion, OpenFollowUpsModal } from './OpenFollowUpsModal';
import { useStages } from './pipeline.queries';
import { type StagePrompt, StageRequirementsModal } from './StageRequirementsModal';
import type { Stage } from './stages';

/** `fields.expectedValue`, `/fields/expectedValue` or `expectedValue` all name the field `expectedValue`. */
export function fieldOfStagePath(path: string): string {
  return path
    .replace(/^\//, '')
    .replace(/^body[./]/, '')
    .replace(/^fields[./]/, '')
    .replace(/\//g, '.');
}

/** The fields a 422 `stage_requirements` answer asks for, or null for any other error. */
export function requiredFieldsOf(error: unknown): string[] | null {
  if (!(error instanceof ApiError) || error.code !== 'stage_requirements') return null;
  const fields = (error.problem.errors ?? []).map((e) => fieldOfStagePath(e.path)).filter(Boolean);
  return fields.length > 0 ? [...new Set(fields)] : null;
}

/** The `fields` of a stage move: built-in fields at the top, custom ones under `customFields`. */
export function toStageFields(values: Record<string, FieldValue>): StageFields {
  const fields: Record<string, unknown> = {};
  const custom: Record<string, FieldValue> = {};
  for (const [field, value] of Object.entries(values)) {
    if (field.startsWith('customFields.')) custom[field.slice('customFields.'.length)] = toApiValue(value);
    else fields[field] = toApiValue(value);
  }
  if (Object.keys(custom).length > 0) fields.customFields = custom;
  return fields as StageFields;
}

interface Pending extends StagePrompt {
  rollback?: () => void;
}

export interface MoveOptions {
  /** Shows the move at once (a card in its new column); returns how to undo it if the server refuses. */
  optimistic?: () => () => void;
}

/**
 * Moves leads between stages the way every screen should: asks for a stage's required fields first (and again if
 * the server names more), reloads the lead when someone else changed it meanwhile, and undoes an optimistic move
 * when the server refuses. Render `modal` once in the screen.
 */
export function useStageMove(options: { onMoved?: (lead: Lead) => void } = {}) {
  const queryClient = useQueryClient();
  const saved = useLeadSaved();
  const { stages } = useStages();
  const [pending, setPending] = useState<Pending | null>(null);
  const [followUps, setFollowUps] = useState<FollowUpsQuestion | null>(null);
  const mutation = useMutation({ mutationFn: moveLeadStage });

  const reload = (lead: Lead) => {
    void queryClient.invalidateQueries({ queryKey: leadsKeys.detail(lead.id) });
    void queryClient.invalidateQueries({ queryKey: leadsKeys.lists });
    void queryClient.invalidateQueries({ queryKey: ['leads', 'counts'] });
  };

  const send = (
    lead: Lead,
    stage: Stage,
    fields: StageFields | undefined,
    rollback?: () => void,
    closeFollowUps?: boolean,
  ) => {
    mutation.mutate(
      {
        id: lead.id,
        stage: stage.key,
        version: lead.version,
        ...(fields ? { fields } : {}),
        ...(closeFollowUps !== undefined ? { closeFollowUps } : {}),
      },
      {
        onSuccess: (moved) => {
          setPending(null);
          setFollowUps(null);
          if (closeFollowUps) {
            void queryClient.invalidateQueries({ queryKey: ['activities'] });
            void queryClient.invalidateQueries({ queryKey: leadsKeys.timeline(moved.id) });
          }
          saved(moved);
          options.onMoved?.(moved);
        },
        onError: (error) => {
          if (error instanceof ApiError && error.code === 'open_follow_ups') {
            // Won or Lost with follow-ups still open: the person says what becomes of them.
            setPending(null);
            setFollowUps({ lead, stage, fields, rollback });
            return;
          }
          setFollowUps(null);
          const required = requiredFieldsOf(error);
          if (required) {
            const errors = Object.fromEntries(
              (error instanceof ApiError ? (error.problem.errors ?? []) : []).map((e) => [
                fieldOfStagePath(e.path),
                fields ? e.message : '',
              ]),
            );
            const asked = [...new Set([...(fields ? Object.keys(flatten(fields)) : []), ...required])];
            setPending({ lead, stage, fields: asked, errors, formError: null, rollback });
            return;
          }
          if (fields && error instanceof ApiError && error.status === 400 && error.problem.errors?.length) {
            const errors = Object.fromEntries(error.problem.errors.map((e) => [fieldOfStagePath(e.path), e.message]));
            setPending((current) => current && { ...current, errors, formError: null });
            return;
          }
          rollback?.();
          setPending(null);
          if (error instanceof ApiError && error.code === 'version_conflict') {
            reload(lead);
            notifyError(
              new Error(`${lead.name} was changed by someone else just now. It has been reloaded; try the move again.`),
              'Not moved',
            );
          } else {
            if (error instanceof ApiError && error.status === 404) reload(lead);
            notifyError(new Error(errorMessage(error)), `Could not move ${lead.name}`);
          }
        },
      },
    );
  };

  const move = (lead: Lead, stageKey: string, moveOptions: MoveOptions = {}) => {
    if (lead.stage === stageKey) return;
    const stage = stages.find((s) => s.key === stageKey) ?? {
      key: stageKey,
      name: stageKey,
      kind: 'open' as const,
      requiredFields: [],
    };
    const rollback = moveOptions.optimistic?.();
    const missing = stage.requiredFields.filter((f) => isEmptyValue(fieldValue(lead, f)));
    if (missing.length > 0) {
      setPending({ lead, stage, fields: missing, errors: {}, formError: null, rollback });
      return;
    }
    send(lead, stage, undefined, rollback);
  };

  const cancel = () => {
    if (mutation.isPending) return;
    pending?.rollback?.();
    setPending(null);
  };

  const modal = (
    <>
      <StageRequirementsModal
        prompt={pending}
        submitting={mutation.isPending}
        onCancel={cancel}
        onSubmit={(values) => {
          if (pending) send(pending.lead, pending.stage, toStageFields(values), pending.rollback);
        }}
      />
      <OpenFollowUpsModal
        question={followUps}
        submitting={mutation.isPending}
        onAnswer={(close) => {
          if (followUps) send(followUps.lead, followUps.stage, followUps.fields, followUps.rollback, close);
        }}
        onCancel={() => {
          if (mutation.isPending) return;
          followUps?.rollback?.();
          setFollowUps(null);
        }}
      />
    </>
  );

  return { move, modal, isMoving: mutation.isPending, movingId: mutation.isPending ? mutation.variables.id : null };
}

function flatten(fields: StageFields): Record<string, unknown> {
  const { customFields, ...rest } = fields as Record<string, unknown> & { customFields?: Record<string, unknown> };
  const out: Record<string, unknown> = { ...rest };
  for (const [key, value] of Object.entries(customFields ?? {})) out[`customFields.${key}`] = value;
  return out;
}
