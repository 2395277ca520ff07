import { ActionBar, Alert, Button, Group, List, Menu, Modal, Progress, Stack, Text } from '@mantine/core';
import { IconArrowsExchange, IconCheck, IconUserShare } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../lib/problem';
import { useCan, useMe } from '../auth/session';
import { FieldInput, type FieldValue, fieldLabel } from './FieldInput';
import { fieldValue, isEmptyValue } from './fields';
import { assignLead, leadsKeys, moveLeadStage } from './leads.queries';
import type { Lead } from './leads.types';
import type { Stage } from './stages';
import { UserPicker } from './UserPicker';
import { toStageFields } from './useStageMove';

interface BulkRun {
  title: string;
  total: number;
  done: number;
  failed: { lead: Lead; message: string }[];
  finished: boolean;
}

/** Runs one request per lead, a few at a time, reporting progress as each answers. */
async function runEach(leads: Lead[], action: (lead: Lead) => Promise<unknown>, onStep: (failure?: string) => void) {
  const queue = [...leads];
  const worker = async () => {
    for (let lead = queue.shift(); lead; lead = queue.shift()) {
      try {
        await action(lead);
        onStep();
      } catch (error) {
        onStep(`${lead.id}\u0000${errorMessage(error)}`);
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

export function BulkActions({
  selected,
  stages,
  onClear,
}: {
  selected: Lead[];
  stages: readonly Stage[];
  onClear: () => void;
}) {
  const queryClient = useQueryClient();
  const canAssign = useCan('leads:assign');
  const canWrite = useCan('leads:write');
  const [dialog, setDialog] = useState<'assign' | { stage: Stage } | null>(null);
  const [run, setRun] = useState<BulkRun | null>(null);

  const start = async (title: string, action: (lead: Lead) => Promise<unknown>) => {
    const leads = [...selected];
    setDialog(null);
    setRun({ title, total: leads.length, done: 0, failed: [], finished: false });
    await runEach(leads, action, (failure) =>
      setRun((current) => {
        if (!current) return current;
        const failed = [...current.failed];
        if (failure) {
          const [id, message] = failure.split('\u0000');
          const lead = leads.find((l) => l.id === id);
          if (lead) failed.push({ lead, message: message ?? '' });
        }
        return { ...current, done: current.done + 1, failed };
      }),
    );
    setRun((current) => current && { ...current, finished: true });
    void queryClient.invalidateQueries({ queryKey: leadsKeys.all });
  };

  const closeRun = () => {
    if (run && !run.finished) return;
    if (run && run.failed.length === 0) onClear();
    setRun(null);
  };

  const count = selected.length;
  return (
    <>
      <ActionBar opened={count > 0} aria-label="Actions for the selected leads">
        <Text size="sm" fw={600} px="xs" aria-live="polite">
          {count} selected
        </Text>
        <ActionBar.Divider />
        {canAssign && (
          <Button
            size="xs"
            variant="subtle"
            leftSection={<IconUserShare size={16} />}
            onClick={() => setDialog('assign')}
          >
            Assign owner
          </Button>
        )}
        {canWrite && (
          <Menu position="top" withinPortal shadow="md">
            <Menu.Target>
              <Button size="xs" variant="subtle" leftSection={<IconArrowsExchange size={16} />}>
                Move stage
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>Move {count === 1 ? 'lead' : `${count} leads`} to</Menu.Label>
              {stages.map((stage) => (
                <Menu.Item key={stage.key} onClick={() => setDialog({ stage })}>
                  {stage.name}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
        )}
        <ActionBar.Divider />
        <Button size="xs" variant="subtle" color="gray" onClick={onClear}>
          Clear
        </Button>
      </ActionBar>

      <AssignDialog
        opened={dialog === 'assign'}
        count={count}
        onClose={() => setDialog(null)}
        onAssign={(ownerId, ownerName) =>
          start(`Assigning ${count === 1 ? 'the lead' : `${count} leads`} to ${ownerName}`, (lead) =>
            assignLead(lead.id, { ownerId }),
          )
        }
      />
      {typeof dialog === 'object' && dialog !== null && (
        <MoveDialog
          stage={dialog.stage}
          leads={selected}
          onClose={() => setDialog(null)}
          onMove={(values) =>
            start(`Moving ${count === 1 ? 'the lead' : `${count} leads`} to ${dialog.stage.name}`, (lead) => {
              const missing = dialog.stage.requiredFields.filter((f) => isEmptyValue(fieldValue(lead, f)));
              const given = Object.fromEntries(
                missing.filter((f) => !isEmptyValue(values[f])).map((f) => [f, values[f] ?? null]),
              );
              return moveLeadStage({
                id: lead.id,
                stage: dialog.stage.key,
                ...(Object.keys(given).length > 0 ? { fields: toStageFields(given) } : {}),
              });
            })
          }
        />
      )}

      <Modal
        opened={run !== null}
        onClose={closeRun}
        title={<Text fw={650}>{run?.title}</Text>}
        withCloseButton={run?.finished}
      >
        {run && (
          <Stack gap="md">
            <Progress
              value={(run.done / Math.max(1, run.total)) * 100}
              animated={!run.finished}
              aria-label="Progress"
            />
            <Text size="sm">
              {run.done} of {run.total} done
              {run.failed.length > 0 ? `, ${run.failed.length} could not be changed` : ''}
            </Text>
            {run.finished && run.failed.length === 0 && (
              <Alert color="teal" icon={<IconCheck size={18} />}>
                All {run.total} {run.total === 1 ? 'lead was' : 'leads were'} updated.
              </Alert>
            )}
            {run.failed.length > 0 && (
              <Alert color="orange" title="Not changed">
                <List size="sm" spacing={4}>
                  {run.failed.slice(0, 20).map((item) => (
                    <List.Item key={item.lead.id}>
                      <b>{item.lead.name}</b>: {item.message}
                    </List.Item>
                  ))}
                </List>
                {run.failed.length > 20 && (
                  <Text size="xs" mt={4}>
                    and {run.failed.length - 20} more
                  </Text>
                )}
              </Alert>
            )}
            {run.finished && (
              <Group justify="flex-end">
                <Button onClick={closeRun}>Done</Button>
              </Group>
            )}
          </Stack>
        )}
      </Modal>
    </>
  );
}

function AssignDialog({
  opened,
  count,
  onClose,
  onAssign,
}: {
  opened: boolean;
  count: number;
  onClose: () => void;
  onAssign: (ownerId: string, ownerName: string) => void;
}) {
  const [owner, setOwner] = useState<{ id: string; name: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!owner) {
      setError('Choose a salesperson');
      return;
    }
    onAssign(owner.id, owner.name);
    setOwner(null);
  };
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>Assign owner</Text>}>
      <form onSubmit={submit} noValidate aria-label="Assign owner">
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            The {count === 1 ? 'selected lead goes' : `${count} selected leads go`} to this salesperson.
          </Text>
          <UserPicker
            label="Owner"
            placeholder="Search salespeople"
            userRole="SALESPERSON"
            value={owner?.id ?? null}
            onChange={(id, name) => {
              setOwner(id && name ? { id, name } : null);
              setError(null);
            }}
            error={error}
            data-autofocus
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit">Assign</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function MoveDialog({
  stage,
  leads,
  onClose,
  onMove,
}: {
  stage: Stage;
  leads: Lead[];
  onClose: () => void;
  onMove: (values: Record<string, FieldValue>) => void;
}) {
  const me = useMe();
  const [values, setValues] = useState<Record<string, FieldValue>>({});
  const needing = (field: string) => leads.filter((lead) => isEmptyValue(fieldValue(lead, field))).length;
  const asked = stage.requiredFields.filter((f) => needing(f) > 0);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onMove(values);
  };
  return (
    <Modal opened onClose={onClose} title={<Text fw={650}>Move to {stage.name}</Text>}>
      <form onSubmit={submit} noValidate aria-label={`Move to ${stage.name}`}>
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {leads.length === 1 ? 'The selected lead moves' : `The ${leads.length} selected leads move`} to {stage.name}
            .
          </Text>
          {asked.map((field, index) => (
            <FieldInput
              key={field}
              field={field}
              value={values[field] ?? null}
              onChange={(value) => setValues((current) => ({ ...current, [field]: value }))}
              currency={me.company.currency}
              autoFocus={index === 0}
              description={`${stage.name} needs ${fieldLabel(field).toLowerCase()}: used for the ${needing(field)} selected ${needing(field) === 1 ? 'lead' : 'leads'} without one. Leave empty to skip those leads.`}
            />
          ))}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit">Move</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
