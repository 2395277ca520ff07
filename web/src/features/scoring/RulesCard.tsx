import { ActionIcon, Badge, Button, Card, Divider, Group, Skeleton, Stack, Switch, Text, Tooltip } from '@mantine/core';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { Fragment, useMemo, useState } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert } from '../../components/ErrorAlert';
import { leadCatalog } from '../../lib/lead-catalog';
import { notifyError } from '../../lib/notify';
import { useCustomFields } from '../leads/customFields.queries';
import { sourceOptions } from '../leads/fields';
import { useStages } from '../leads/pipeline.queries';
import { Points } from './LeadScoreCard';
import { RuleModal } from './RuleModal';
import { draftOf, type RuleField, ruleFields, suggestLabel } from './ruleForm';
import { useBehaviours, useDeleteRule, useSaveRule, useScoreRules } from './scoring.queries';
import type { Behaviour, ScoreRule } from './scoring.types';

/** The fields a rule may test, with the company's stages and custom fields. */
export function useRuleFields(): RuleField[] {
  const custom = useCustomFields('active');
  const { stages } = useStages();
  return useMemo(
    () =>
      ruleFields(leadCatalog, custom.data ?? [], {
        sources: sourceOptions,
        stages: stages.map((s) => ({ value: s.key, label: s.name })),
      }),
    [custom.data, stages],
  );
}

function RuleRow({
  rule,
  fields,
  behaviours,
  onEdit,
}: {
  rule: ScoreRule;
  fields: RuleField[];
  behaviours: Behaviour[];
  onEdit: () => void;
}) {
  const save = useSaveRule();
  const remove = useDeleteRule();
  const [confirming, setConfirming] = useState(false);
  const test = suggestLabel({ ...draftOf(rule), label: '' }, fields, behaviours);
  return (
    <Group justify="space-between" wrap="nowrap" gap="sm" py="xs" px="md" data-testid="score-rule">
      <Group gap="sm" wrap="nowrap" miw={0} style={{ flex: 1 }}>
        <div style={{ minWidth: '3.5ch', textAlign: 'right' }}>
          <Points points={rule.points} />
        </div>
        <Stack gap={0} miw={0}>
          <Group gap={6} wrap="wrap">
            <Text size="sm" fw={500} c={rule.active ? undefined : 'dimmed'} style={{ overflowWrap: 'anywhere' }}>
              {rule.label}
            </Text>
            {rule.kind === 'behaviour' && (
              <Badge size="xs" variant="light" color="grape">
                Behaviour
              </Badge>
            )}
            {!rule.active && (
              <Badge size="xs" variant="light" color="gray">
                Off
              </Badge>
            )}
          </Group>
          {test && test !== rule.label && (
            <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
              {test}
            </Text>
          )}
        </Stack>
      </Group>
      <Group gap={4} wrap="nowrap">
        <Tooltip label={rule.active ? 'Switch off' : 'Switch on'}>
          <Switch
            size="sm"
            aria-label={`${rule.label}: active`}
            checked={rule.active}
            disabled={save.isPending}
            onChange={(e) =>
              save.mutate(
                { id: rule.id, body: { active: e.currentTarget.checked } },
                { onError: (error) => notifyError(error) },
              )
            }
          />
        </Tooltip>
        <ActionIcon variant="subtle" color="gray" aria-label={`Change ${rule.label}`} onClick={onEdit}>
          <IconPencil size={16} />
        </ActionIcon>
        <ActionIcon
          variant="subtle"
          color="red"
          aria-label={`Delete ${rule.label}`}
          onClick={() => setConfirming(true)}
        >
          <IconTrash size={16} />
        </ActionIcon>
      </Group>
      <ConfirmModal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title="Delete this rule?"
        confirmLabel="Delete rule"
        loading={remove.isPending}
        onConfirm={() =>
          remove.mutate(rule.id, {
            onSuccess: () => setConfirming(false),
            onError: (error) => {
              setConfirming(false);
              notifyError(error, 'Could not delete the rule');
            },
          })
        }
      >
        <Text size="sm">“{rule.label}” stops counting from the next scoring.</Text>
      </ConfirmModal>
    </Group>
  );
}

/** The scoring rules: points for field values and behaviour, in the order they are listed; add, change, delete. */
export function RulesCard() {
  const rules = useScoreRules();
  const behaviours = useBehaviours();
  const fields = useRuleFields();
  const [editing, setEditing] = useState<ScoreRule | 'new' | null>(null);
  const behaviourList = behaviours.data?.data ?? [];

  return (
    <Card p={0}>
      <Group justify="space-between" p="md" pb="xs" gap="sm">
        <Stack gap={0}>
          <Text fw={650}>Rules</Text>
          <Text size="xs" c="dimmed">
            Every rule a lead meets adds its points (or takes them away); the score is kept between 0 and 100.
          </Text>
        </Stack>
        <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setEditing('new')}>
          Add rule
        </Button>
      </Group>
      {rules.isPending ? (
        <Stack p="md">
          <Skeleton h={36} />
          <Skeleton h={36} />
        </Stack>
      ) : rules.isError ? (
        <Stack p="md">
          <ErrorAlert error={rules.error} onRetry={() => rules.refetch()} title="Could not load the rules" />
        </Stack>
      ) : rules.data.data.length === 0 ? (
        <Text size="sm" c="dimmed" p="md" pt="xs">
          No rules yet: add one, e.g. 10 points when the source is a web form.
        </Text>
      ) : (
        <Stack gap={0} pb="xs">
          {rules.data.data.map((rule, i) => (
            <Fragment key={rule.id}>
              {i > 0 && <Divider />}
              <RuleRow rule={rule} fields={fields} behaviours={behaviourList} onEdit={() => setEditing(rule)} />
            </Fragment>
          ))}
        </Stack>
      )}
      {editing !== null && (
        <RuleModal
          rule={editing === 'new' ? undefined : editing}
          fields={fields}
          behaviours={behaviourList}
          onClose={() => setEditing(null)}
        />
      )}
    </Card>
  );
}
