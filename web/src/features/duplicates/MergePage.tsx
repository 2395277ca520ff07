import { Alert, Anchor, Button, Card, Center, EmptyState, Group, Skeleton, Stack, Text } from '@mantine/core';
import { IconArrowLeft, IconArrowsJoin, IconInfoCircle } from '@tabler/icons-react';
import { useQueries } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { api, unwrap } from '../../lib/api';
import { notifySuccess } from '../../lib/notify';
import { errorMessage } from '../../lib/problem';
import { useCan, useMe } from '../auth/session';
import { useCustomFields } from '../leads/customFields.queries';
import { leadsKeys } from '../leads/leads.queries';
import type { Lead } from '../leads/leads.types';
import { useStages } from '../leads/pipeline.queries';
import classes from './duplicates.module.css';
import { ChoiceRow, UnionRows } from './MergeChoices';
import { MergePreview, RecordPicker } from './MergeParts';
import type { DisplayContext } from './mergeDisplay';
import {
  type ChoiceField,
  choiceFields,
  choosable,
  defaultChoice,
  differs,
  fieldChoicesFor,
  mergeValue,
  previewOf,
} from './mergeFields';
import { useMergeLeads } from './merges.queries';

const MAX_LEADS = 11;

function BackLink() {
  return (
    <Anchor component={Link} to="/leads/duplicates" size="sm" c="dimmed">
      <Group gap={4}>
        <IconArrowLeft size={14} />
        Duplicates
      </Group>
    </Anchor>
  );
}

/** The merge screen: /leads/merge?ids=a,b[,c...][&survivor=a]. */
export function MergePage() {
  const [params] = useSearchParams();
  const ids = [...new Set((params.get('ids') ?? '').split(',').filter(Boolean))].slice(0, MAX_LEADS);
  const leads = useQueries({
    queries: ids.map((id) => ({
      queryKey: leadsKeys.detail(id),
      queryFn: () => unwrap(api.GET('/api/v1/leads/{id}', { params: { path: { id } } })),
      staleTime: 0,
    })),
  });

  const header = (
    <PageHeader
      above={<BackLink />}
      title="Merge leads"
      description="Choose the record to keep and, field by field, the value it keeps. The other records become links to it. You can undo a merge for 30 days."
    />
  );

  if (ids.length < 2) {
    return (
      <>
        {header}
        <Center py={56}>
          <EmptyState
            icon={<IconArrowsJoin size={26} />}
            title="Choose at least two leads to merge"
            description="Pick a group in the duplicates queue, or select leads in the list."
          >
            <Button component={Link} to="/leads/duplicates" variant="light" mt="md">
              Open the duplicates queue
            </Button>
          </EmptyState>
        </Center>
      </>
    );
  }
  const failed = leads.find((q) => q.isError);
  if (failed) {
    return (
      <>
        {header}
        <ErrorAlert
          error={failed.error}
          title="One of these leads cannot be merged"
          onRetry={() => {
            for (const q of leads) void q.refetch();
          }}
        />
      </>
    );
  }
  const loaded = leads.map((q) => q.data).filter((lead): lead is Lead => lead !== undefined);
  if (loaded.length < ids.length) {
    return (
      <>
        {header}
        <Stack aria-busy="true" aria-label="Loading the leads">
          <Skeleton h={120} />
          <Skeleton h={320} />
        </Stack>
      </>
    );
  }
  // A merged-away id answers with its survivor: the same lead twice is one lead.
  const distinct = loaded.filter((lead, index) => loaded.findIndex((l) => l.id === lead.id) === index);
  return (
    <>
      {header}
      <MergeForm key={distinct.map((l) => l.id).join()} leads={distinct} initialSurvivor={params.get('survivor')} />
    </>
  );
}

function MergeForm({ leads, initialSurvivor }: { leads: Lead[]; initialSurvivor: string | null }) {
  const me = useMe();
  const navigate = useNavigate();
  const { stages } = useStages();
  const customFields = useCustomFields();
  const canAssign = useCan('leads:assign');
  const merge = useMergeLeads();
  const [survivorId, setSurvivorId] = useState(
    leads.some((l) => l.id === initialSurvivor) ? (initialSurvivor as string) : (leads[0]?.id ?? ''),
  );
  const [picked, setPicked] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const ctx: DisplayContext = { stages, currency: me.company.currency, locale: me.company.locale };
  const survivor = leads.find((l) => l.id === survivorId) ?? (leads[0] as Lead);
  const others = leads.filter((l) => l.id !== survivor.id);
  const fields = choiceFields(customFields.data ?? []);
  const byId = new Map(leads.map((l) => [l.id, l]));

  /** The lead a field's value comes from: picked, else the server's default (currency follows the amount). */
  const choiceOf = (field: ChoiceField): string => {
    const explicit = picked[field.key];
    if (explicit && byId.has(explicit)) return explicit;
    if (field.key === 'currency') {
      const amountFrom = byId.get(choiceOf({ key: 'expectedValue', label: '' }));
      if (amountFrom && amountFrom.id !== survivor.id && mergeValue(amountFrom, 'currency')) return amountFrom.id;
    }
    return defaultChoice(survivor, others, field.key);
  };
  const choices = Object.fromEntries(fields.map((f) => [f.key, choiceOf(f)]));
  const differing = fields.filter((f) => differs(leads, f.key));
  const sameCount = fields.filter((f) => !differs(leads, f.key) && leads.some((l) => mergeValue(l, f.key))).length;
  const preview = previewOf(leads, survivor, fields, choices, canAssign);
  const sources = Object.fromEntries(fields.map((f) => [f.key, byId.get(choices[f.key] ?? '') ?? survivor]));

  const pick = (key: string, leadId: string) =>
    setPicked((current) => {
      const next = { ...current, [key]: leadId };
      // The currency belongs with the amount it was written in.
      if (key === 'expectedValue' && mergeValue(byId.get(leadId) as Lead, 'currency')) next.currency = leadId;
      return next;
    });

  const submit = () => {
    setError(null);
    merge.mutate(
      {
        survivorId: survivor.id,
        mergedIds: others.map((l) => l.id),
        fieldChoices: fieldChoicesFor(leads, survivor, fields, choices, canAssign),
      },
      {
        onSuccess: (result) => {
          notifySuccess(
            `${others.length === 1 ? 'One lead was' : `${others.length} leads were`} merged into ${survivor.name}. You can undo it from the lead's merge history for 30 days.`,
            'Leads merged',
          );
          navigate(`/leads/${result.survivorId}`);
        },
        onError: (err) => {
          setConfirming(false);
          setError(errorMessage(err));
        },
      },
    );
  };

  return (
    <div className={classes.layout}>
      <Stack gap="lg">
        <Card>
          <RecordPicker leads={leads} value={survivor.id} onChange={setSurvivorId} ctx={ctx} />
        </Card>
        <Card aria-label="Values to keep">
          <Text fw={650}>Values to keep</Text>
          <Text size="sm" c="dimmed" mb="md">
            {differing.length === 0
              ? 'These records hold the same values: nothing to choose.'
              : `Where the records differ, choose the value to keep.${sameCount > 0 ? ` ${sameCount} other ${sameCount === 1 ? 'field is' : 'fields are'} the same in every record.` : ''}`}
          </Text>
          <Stack gap="md">
            {differing.map((field) => (
              <ChoiceRow
                key={field.key}
                field={field}
                leads={leads}
                value={choices[field.key] ?? survivor.id}
                onChange={(leadId) => pick(field.key, leadId)}
                locked={!choosable(leads, survivor, field.key, canAssign)}
                ctx={ctx}
              />
            ))}
          </Stack>
          <Stack mt="lg">
            <UnionRows leads={leads} />
          </Stack>
        </Card>
      </Stack>
      <MergePreview preview={preview} fields={fields} ctx={ctx} sources={sources}>
        {error && (
          <Alert color="red" title="The leads were not merged" role="alert" mt="md">
            {error}
          </Alert>
        )}
        <Group justify="flex-end" mt="lg" gap="sm">
          <Button variant="default" component={Link} to="/leads/duplicates">
            Cancel
          </Button>
          <Button leftSection={<IconArrowsJoin size={18} />} onClick={() => setConfirming(true)}>
            Merge {leads.length} leads
          </Button>
        </Group>
      </MergePreview>

      <ConfirmModal
        opened={confirming}
        title={`Merge into ${survivor.name}?`}
        confirmLabel="Merge"
        color="brand"
        loading={merge.isPending}
        onConfirm={submit}
        onClose={() => setConfirming(false)}
      >
        <Stack gap="xs">
          <Text size="sm">
            {others.map((l) => l.name).join(', ')} {others.length === 1 ? 'becomes a link' : 'become links'} to{' '}
            <b>{survivor.name}</b>, and everything recorded on {others.length === 1 ? 'it' : 'them'} moves there.
          </Text>
          <Alert color="blue" icon={<IconInfoCircle size={18} />} p="xs">
            <Text size="sm">You can undo this merge for 30 days, from the lead's merge history.</Text>
          </Alert>
        </Stack>
      </ConfirmModal>
    </div>
  );
}
