import { Alert, Button, Center, EmptyState, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconPlus, IconRoute } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmModal } from '../../../components/ConfirmModal';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { useCustomFields } from '../../leads/customFields.queries';
import { moveItem, useRowDrag } from '../ordering';
import { ListCard, LoadFailed, LoadingRows, SectionHeader } from '../SettingsSection';
import type { AssignmentRule } from '../settings.types';
import classes from './AssignmentRulesPage.module.css';
import { useDeleteRule, useReorderRules, useRules } from './assignment.queries';
import { conditionFields } from './conditions';
import { RuleRow } from './RuleRow';
import { RuleTestPanel } from './RuleTestPanel';

export function AssignmentRulesPage() {
  const rules = useRules();
  const customFields = useCustomFields('all');
  const reorder = useReorderRules();
  const remove = useDeleteRule();
  const [deleting, setDeleting] = useState<AssignmentRule | null>(null);
  const fields = conditionFields(customFields.data ?? []);
  const all = rules.data ?? [];
  // The default rule is always tried last, whatever its stored position.
  const ordered = all.filter((rule) => !rule.isDefault);
  const fallback = all.find((rule) => rule.isDefault) ?? null;
  const list = fallback ? [...ordered, fallback] : ordered;

  const move = (from: number, to: number) => {
    if (from >= ordered.length || to < 0 || to >= ordered.length || from === to) return;
    const ids = moveItem(ordered, from, to).map((rule) => rule.id);
    reorder.mutate(ids, { onError: (error) => notifyError(error, 'Could not reorder the rules') });
  };
  const { rowProps, handleProps } = useRowDrag(move, !reorder.isPending);

  return (
    <>
      <SectionHeader
        title="Assignment rules"
        description="Each new lead goes through the active rules from the top: the first whose conditions it meets picks its owner among people who are at work, not on leave and under their caps."
        actions={
          <Button component={Link} to="/settings/assignment/new" leftSection={<IconPlus size={18} />}>
            New rule
          </Button>
        }
      />
      <Stack gap="lg">
        {rules.isSuccess && !fallback && (
          <Alert color="orange" icon={<IconAlertTriangle size={18} />} title="No default rule" role="status">
            <Text size="sm">Leads that match no rule, or whose rule finds nobody available, stay unassigned.</Text>
            <Button component={Link} to="/settings/assignment/new?default=1" size="xs" variant="light" mt="sm">
              Add a default rule
            </Button>
          </Alert>
        )}
        <ListCard>
          {rules.isPending ? (
            <LoadingRows rows={4} height={56} />
          ) : rules.isError ? (
            <LoadFailed error={rules.error} onRetry={() => rules.refetch()} title="Could not load the rules" />
          ) : list.length === 0 ? (
            <Center py={56} px="md">
              <EmptyState
                icon={<IconRoute size={26} />}
                title="No assignment rules yet"
                description="Without rules, a lead belongs to whoever enters it. Add a rule to share new leads among your salespeople."
              />
            </Center>
          ) : (
            <ul className={classes.list} aria-label="Assignment rules in the order they are tried">
              {list.map((rule, index) => (
                <RuleRow
                  key={rule.id}
                  rule={rule}
                  index={index}
                  movable={ordered.length}
                  fields={fields}
                  dragProps={rule.isDefault ? {} : rowProps(index)}
                  handleProps={rule.isDefault ? {} : handleProps(index)}
                  reordering={reorder.isPending}
                  onMove={move}
                  onDelete={() => setDeleting(rule)}
                />
              ))}
            </ul>
          )}
        </ListCard>
        {list.length > 0 && <RuleTestPanel fields={fields} />}
      </Stack>

      <ConfirmModal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete ${deleting?.name ?? 'rule'}?`}
        confirmLabel="Delete rule"
        loading={remove.isPending}
        onConfirm={() => {
          if (!deleting) return;
          const rule = deleting;
          remove.mutate(rule.id, {
            onSuccess: () => {
              setDeleting(null);
              notifySuccess(`${rule.name} no longer routes leads.`, 'Rule deleted');
            },
            onError: (error) => {
              setDeleting(null);
              notifyError(error, 'Could not delete the rule');
            },
          });
        }}
      >
        <Text size="sm">New leads will skip it. Leads it already assigned keep their owner and the record of why.</Text>
      </ConfirmModal>
    </>
  );
}
