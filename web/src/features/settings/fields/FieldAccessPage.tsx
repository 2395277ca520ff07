import { ActionIcon, Group, NativeSelect, Select, Table, Text, Tooltip } from '@mantine/core';
import { useElementSize, useMediaQuery } from '@mantine/hooks';
import { IconChevronLeft, IconChevronRight, IconRestore } from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import { notifyError } from '../../../lib/notify';
import { isRoleName, roleLabel, roleNames, roleOptions } from '../../users/roles';
import { ListCard, LoadFailed, LoadingRows, SectionHeader } from '../SettingsSection';
import type { FieldAccessLevel, FieldPermission } from '../settings.types';
import classes from './FieldAccessPage.module.css';
import { useFieldPermissions, useSetFieldPermission } from './fields.queries';

const levels: readonly { value: FieldAccessLevel; label: string }[] = [
  { value: 'hidden', label: 'Hidden' },
  { value: 'read', label: 'Read' },
  { value: 'write', label: 'Write' },
];
const rank: Record<FieldAccessLevel, number> = { hidden: 0, read: 1, write: 2 };
/** Owner, warriors, co-sales and partner change through assignment only: never more than read. */
const assignmentFields = new Set(['ownerId', 'warriorIds', 'coSalesIds', 'partnerId']);

/** The levels the server accepts for this cell. */
function choicesFor(entry: FieldPermission) {
  return levels
    .filter((level) => !(assignmentFields.has(entry.field) && level.value === 'write'))
    .filter((level) => !(entry.role === 'ADMIN' && rank[level.value] < rank[entry.defaultAccess]))
    .map((level) => ({ value: level.value, label: level.label }));
}

function isLevel(value: string): value is FieldAccessLevel {
  return value === 'hidden' || value === 'read' || value === 'write';
}

function AccessCell({ entry, fieldLabel }: { entry: FieldPermission; fieldLabel: string }) {
  const set = useSetFieldPermission();
  const name = `${roleLabel(entry.role)} access to ${fieldLabel}`;
  const save = (access: FieldAccessLevel | null) =>
    set.mutate(
      { role: entry.role, field: entry.field, access },
      { onError: (error) => notifyError(error, `Could not change ${name.toLowerCase()}`) },
    );
  const choices = choicesFor(entry);
  const defaultLabel = levels.find((level) => level.value === entry.defaultAccess)?.label ?? entry.defaultAccess;
  return (
    <div className={classes.cell} data-override={!entry.isDefault || undefined}>
      <div className={classes.control}>
        <NativeSelect
          aria-label={name}
          size="xs"
          data={choices}
          value={entry.access}
          onChange={(event) => {
            const value = event.currentTarget.value;
            // Choosing the default level goes back to the default, so it follows the default if that changes.
            if (isLevel(value)) save(value === entry.defaultAccess ? null : value);
          }}
          disabled={set.isPending || choices.length < 2}
          className={classes.select}
          title={entry.isDefault ? `${defaultLabel}, the default` : `Changed; the default is ${defaultLabel}`}
        />
        {!entry.isDefault ? (
          <Tooltip label={`Back to the default (${defaultLabel})`} openDelay={300}>
            <ActionIcon
              size="sm"
              variant="subtle"
              color="gray"
              aria-label={`Reset ${name} to the default`}
              onClick={() => save(null)}
              loading={set.isPending}
            >
              <IconRestore size={14} />
            </ActionIcon>
          </Tooltip>
        ) : (
          <span className={classes.resetSpace} />
        )}
      </div>
      {!entry.isDefault && (
        <Text size="xs" c="dimmed" mt={2}>
          Default: {defaultLabel.toLowerCase()}
        </Text>
      )}
    </div>
  );
}

interface Row {
  field: string;
  label: string;
  custom: boolean;
  byRole: Map<string, FieldPermission>;
}

function rowsOf(entries: readonly FieldPermission[]): Row[] {
  const rows = new Map<string, Row>();
  for (const entry of entries) {
    let row = rows.get(entry.field);
    if (!row) {
      row = {
        field: entry.field,
        label: entry.label,
        custom: entry.field.startsWith('customFields.'),
        byRole: new Map(),
      };
      rows.set(entry.field, row);
    }
    row.byRole.set(entry.role, entry);
  }
  return [...rows.values()];
}

/** Widths the matrix plans its role columns by (px): the field names, then each role's access picker. */
const FIELD_COLUMN = 176;
const ROLE_COLUMN = 146;

export function FieldAccessPage() {
  const query = useFieldPermissions();
  const compact = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const [role, setRole] = useState<string>('MANAGER');
  const [firstRole, setFirstRole] = useState(0);
  // As many role columns as the card has room for; the rest are a page away, never cut off at the edge.
  const { ref: frame, width } = useElementSize();
  const entries = query.data ?? [];
  const rows = rowsOf(entries);
  const present = new Set(entries.map((entry) => entry.role));
  const roles = roleNames.filter((name) => present.has(name));
  const perPage = width > 0 ? Math.max(1, Math.floor((width - FIELD_COLUMN) / ROLE_COLUMN)) : roles.length;
  const paged = !compact && perPage < roles.length;
  const start = paged ? Math.min(firstRole, roles.length - perPage) : 0;
  const shownRoles = compact
    ? roles.filter((name) => name === role)
    : paged
      ? roles.slice(start, start + perPage)
      : roles;
  const groups = [
    { title: 'Lead fields', rows: rows.filter((row) => !row.custom) },
    { title: 'Custom fields', rows: rows.filter((row) => row.custom) },
  ].filter((group) => group.rows.length > 0);

  return (
    <>
      <SectionHeader
        title="Field access"
        description="What each role sees of a lead and may change. Name, stage and dates are always shown. An admin's access cannot be lowered; owner, warriors, co-sales and partner change only by assigning."
      />
      <ListCard>
        <div ref={frame} />
        <Group justify="space-between" px="md" py="sm" gap="sm" wrap="wrap">
          <Group gap={8} wrap="nowrap">
            <span className={classes.legend} aria-hidden="true">
              Read
            </span>
            <Text size="sm" c="dimmed">
              Changed from the default; <IconRestore size={13} style={{ verticalAlign: -2 }} /> puts it back.
            </Text>
          </Group>
          {paged && (
            <Group gap={6} wrap="nowrap" aria-label="Roles shown">
              <Text size="sm" c="dimmed">
                {roleLabel(shownRoles[0] ?? '')} – {roleLabel(shownRoles[shownRoles.length - 1] ?? '')} ({start + 1}–
                {start + shownRoles.length} of {roles.length} roles)
              </Text>
              <ActionIcon
                variant="default"
                aria-label="Earlier roles"
                disabled={start === 0}
                onClick={() => setFirstRole(Math.max(0, start - perPage))}
              >
                <IconChevronLeft size={16} />
              </ActionIcon>
              <ActionIcon
                variant="default"
                aria-label="More roles"
                disabled={start + perPage >= roles.length}
                onClick={() => setFirstRole(Math.min(roles.length - perPage, start + perPage))}
              >
                <IconChevronRight size={16} />
              </ActionIcon>
            </Group>
          )}
          {compact && (
            <Select
              aria-label="Role"
              size="xs"
              data={roleOptions(roles.filter(isRoleName))}
              value={role}
              onChange={(value) => value && setRole(value)}
              allowDeselect={false}
              w={200}
            />
          )}
        </Group>
        {query.isPending ? (
          <LoadingRows rows={8} height={32} />
        ) : query.isError ? (
          <LoadFailed error={query.error} onRetry={() => query.refetch()} title="Could not load the field access" />
        ) : (
          <Table.ScrollContainer
            minWidth={0}
            maxHeight={compact ? undefined : 'max(360px, calc(100vh - 300px))'}
            type="native"
          >
            <Table className={classes.grid} verticalSpacing={6} horizontalSpacing="sm" stickyHeader={!compact}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th className={classes.fieldCell}>Field</Table.Th>
                  {shownRoles.map((name) => (
                    <Table.Th key={name}>{roleLabel(name)}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {groups.map((group) => (
                  <Fragment key={group.title}>
                    <Table.Tr className={classes.groupRow}>
                      <Table.Td className={classes.fieldCell} colSpan={1}>
                        {group.title}
                      </Table.Td>
                      <Table.Td colSpan={shownRoles.length} />
                    </Table.Tr>
                    {group.rows.map((row) => (
                      <Table.Tr key={row.field}>
                        <Table.Th scope="row" className={classes.fieldCell}>
                          <Text size="sm" fw={500}>
                            {row.label}
                          </Text>
                        </Table.Th>
                        {shownRoles.map((name) => {
                          const entry = row.byRole.get(name);
                          return (
                            <Table.Td key={name}>
                              {entry ? <AccessCell entry={entry} fieldLabel={row.label} /> : null}
                            </Table.Td>
                          );
                        })}
                      </Table.Tr>
                    ))}
                  </Fragment>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </ListCard>
    </>
  );
}
