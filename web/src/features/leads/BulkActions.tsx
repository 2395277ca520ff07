import { ActionBar, ActionIcon, Anchor, Button, Menu, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import {
  IconArrowsExchange,
  IconDots,
  IconHeartHandshake,
  IconTag,
  IconTagOff,
  IconTrash,
  IconUserShare,
  IconX,
} from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, type Ref, useCallback, useState } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal';
import { formatNumber } from '../../lib/format';
import { useCan } from '../auth/session';
import { AssignDialog, MoveDialog, PartnerDialog, TagsDialog } from './BulkDialogs';
import { BulkProgress, type BulkRun } from './BulkProgress';
import { type BulkActionKind, type BulkFilter, type BulkParams, startBulkAction } from './bulkActions.queries';
import { useStageCounts } from './counts.queries';
import { type LeadListParams, leadsKeys } from './leads.queries';
import type { Lead } from './leads.types';
import type { Stage } from './stages';

type Dialog = 'assign' | 'tag' | 'untag' | 'partner' | 'delete' | { stage: Stage } | null;

/** A bar button: its label beside the icon, or on a phone the icon alone (the label stays its name). */
function BarButton({
  compact,
  icon,
  label,
  ref,
  ...props
}: {
  compact: boolean;
  icon: ReactNode;
  label: string;
  ref?: Ref<HTMLButtonElement>;
  color?: string;
  onClick?: () => void;
  'aria-label'?: string;
}) {
  if (compact) {
    return (
      <ActionIcon
        ref={ref}
        variant="subtle"
        size="lg"
        aria-label={props['aria-label'] ?? label}
        title={label}
        {...props}
      >
        {icon}
      </ActionIcon>
    );
  }
  return (
    <Button ref={ref} size="xs" variant="subtle" leftSection={icon} {...props}>
      {label}
    </Button>
  );
}

const plural = (n: number, one: string, many: string) => `${formatNumber(n)} ${n === 1 ? one : many}`;

/**
 * The bar over a selection of leads. It acts on the selected leads, or (once every shown lead is selected and
 * the view holds more) on every lead of the view; the server runs large sets as a job and reports progress.
 */
export function BulkActions({
  selected,
  stages,
  onClear,
  filter,
  moreThanShown,
}: {
  selected: Lead[];
  stages: readonly Stage[];
  onClear: () => void;
  /** The list's filters and search: "the whole view". */
  filter: LeadListParams;
  /** Every shown lead is selected and the view holds more than are shown. */
  moreThanShown: boolean;
}) {
  const queryClient = useQueryClient();
  const canAssign = useCan('leads:assign');
  const canWrite = useCan('leads:write');
  const canDelete = useCan('leads:delete');
  const [wide, setWide] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [run, setRun] = useState<BulkRun | null>(null);
  const compact = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const counts = useStageCounts(filter as Parameters<typeof useStageCounts>[0]);
  const viewTotal = counts.data ? Object.values(counts.data).reduce((sum, s) => sum + s.count, 0) : null;

  const count = selected.length;
  const whole = wide && moreThanShown;
  const reach = whole
    ? `all ${viewTotal === null ? '' : `${formatNumber(viewTotal)} `}leads of this view`
    : count === 1
      ? 'the selected lead'
      : `the ${count} selected leads`;

  const start = async (action: BulkActionKind, title: string, params?: BulkParams) => {
    setDialog(null);
    const names = new Map(selected.map((lead) => [lead.id, lead.name]));
    setRun({ title, started: null, error: null, names });
    const target = whole ? { filter: filter as BulkFilter } : { ids: selected.map((lead) => lead.id) };
    try {
      const started = await startBulkAction({ action, ...target, ...(params ? { params } : {}) });
      setRun((current) => current && { ...current, started });
    } catch (error) {
      setRun((current) => current && { ...current, error });
    }
  };

  const refresh = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: leadsKeys.all });
    void queryClient.invalidateQueries({ queryKey: ['trash'] });
  }, [queryClient]);

  const closeRun = (succeeded: boolean) => {
    if (succeeded) {
      onClear();
      setWide(false);
    }
    setRun(null);
  };

  const subject = whole ? reach : count === 1 ? 'the lead' : `${count} leads`;
  return (
    <>
      <ActionBar opened={count > 0} aria-label="Actions for the selected leads">
        <Text size="sm" fw={600} px="xs" aria-live="polite" style={{ whiteSpace: 'nowrap' }}>
          {whole
            ? `All ${viewTotal === null ? '' : formatNumber(viewTotal)}${compact ? '' : ' of this view'}`
            : `${count} selected`}
        </Text>
        {moreThanShown && !wide && (
          <Anchor component="button" size="sm" onClick={() => setWide(true)} px={4} style={{ whiteSpace: 'nowrap' }}>
            {compact ? 'All' : 'Select all'}
            {viewTotal !== null ? ` ${formatNumber(viewTotal)}` : ''}
          </Anchor>
        )}
        <ActionBar.Divider />
        {canAssign && (
          <BarButton
            compact={compact}
            icon={<IconUserShare size={16} />}
            label="Assign"
            onClick={() => setDialog('assign')}
          />
        )}
        {canWrite && (
          <Menu position="top" withinPortal shadow="md">
            <Menu.Target>
              <BarButton compact={compact} icon={<IconArrowsExchange size={16} />} label="Move stage" />
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>Move {subject} to</Menu.Label>
              {stages.map((stage) => (
                <Menu.Item key={stage.key} onClick={() => setDialog({ stage })}>
                  {stage.name}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
        )}
        {(canWrite || canAssign || canDelete) && (
          <Menu position="top-end" withinPortal shadow="md">
            <Menu.Target>
              <BarButton compact={compact} icon={<IconDots size={16} />} label="More" aria-label="More actions" />
            </Menu.Target>
            <Menu.Dropdown>
              {canWrite && (
                <Menu.Item leftSection={<IconTag size={16} />} onClick={() => setDialog('tag')}>
                  Add tags
                </Menu.Item>
              )}
              {canWrite && (
                <Menu.Item leftSection={<IconTagOff size={16} />} onClick={() => setDialog('untag')}>
                  Remove tags
                </Menu.Item>
              )}
              {canAssign && (
                <Menu.Item leftSection={<IconHeartHandshake size={16} />} onClick={() => setDialog('partner')}>
                  Hand to partner
                </Menu.Item>
              )}
              {canDelete && (
                <>
                  <Menu.Divider />
                  <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={() => setDialog('delete')}>
                    Delete
                  </Menu.Item>
                </>
              )}
            </Menu.Dropdown>
          </Menu>
        )}
        <ActionBar.Divider />
        <BarButton
          compact={compact}
          icon={<IconX size={16} />}
          label="Clear"
          color="gray"
          onClick={() => {
            setWide(false);
            onClear();
          }}
        />
      </ActionBar>

      {dialog === 'assign' && (
        <AssignDialog
          reach={reach}
          onClose={() => setDialog(null)}
          onRun={(params, name) => start('assign', `Assigning ${subject} to ${name}`, params)}
        />
      )}
      {typeof dialog === 'object' && dialog !== null && (
        <MoveDialog
          stage={dialog.stage}
          reach={reach}
          leads={whole ? null : selected}
          onClose={() => setDialog(null)}
          onRun={(params) => start('stage', `Moving ${subject} to ${dialog.stage.name}`, params)}
        />
      )}
      {(dialog === 'tag' || dialog === 'untag') && (
        <TagsDialog
          mode={dialog}
          reach={reach}
          onClose={() => setDialog(null)}
          onRun={(params) => start(dialog, `${dialog === 'tag' ? 'Tagging' : 'Removing tags from'} ${subject}`, params)}
        />
      )}
      {dialog === 'partner' && (
        <PartnerDialog
          reach={reach}
          onClose={() => setDialog(null)}
          onRun={(params, name) => start('partner', `Handing ${subject} to ${name}`, params)}
        />
      )}
      <ConfirmModal
        opened={dialog === 'delete'}
        title={whole ? 'Delete every lead of this view?' : `Delete ${plural(count, 'lead', 'leads')}?`}
        confirmLabel="Move to trash"
        onConfirm={() => start('delete', `Deleting ${subject}`)}
        onClose={() => setDialog(null)}
      >
        <Text size="sm">
          {reach.replace(/^./, (c) => c.toUpperCase())} {whole || count > 1 ? 'go' : 'goes'} to the trash. An
          administrator can restore {whole || count > 1 ? 'them' : 'it'} for 30 days.
        </Text>
      </ConfirmModal>

      <BulkProgress run={run} onClose={closeRun} onFinished={refresh} />
    </>
  );
}
