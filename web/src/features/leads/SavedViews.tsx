import { Alert, Button, Checkbox, Group, Menu, Modal, Stack, Text, TextInput } from '@mantine/core';
import {
  IconBookmark,
  IconCheck,
  IconChevronDown,
  IconDeviceFloppy,
  IconPlus,
  IconTrash,
  IconUsersGroup,
} from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal';
import { notifyError, notifySuccess } from '../../lib/notify';
import { ApiError, errorMessage } from '../../lib/problem';
import { useCan, useMe } from '../auth/session';
import type { SavedView, SaveViewBody } from './leads.types';
import { useCreateView, useDeleteView, useUpdateView, useViews } from './views.queries';

/** What the list shows now, in the shape a saved view keeps it. */
export interface ViewState {
  filters: SaveViewBody['filters'];
  columns: string[];
  sort: string | null;
}

function SaveViewModal({
  opened,
  onClose,
  state,
  onSaved,
}: {
  opened: boolean;
  onClose: () => void;
  state: ViewState;
  onSaved: (view: SavedView) => void;
}) {
  const canShare = useCan('views:share');
  const create = useCreateView();
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  const close = () => {
    setName('');
    setShared(false);
    setError(null);
    setFormError(null);
    onClose();
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!name.trim()) {
      setError('Give the view a name');
      return;
    }
    create.mutate(
      { name: name.trim(), filters: state.filters, columns: state.columns, sort: state.sort, shared },
      {
        onSuccess: (view) => {
          notifySuccess(
            view.shared ? `“${view.name}” is saved and shared with everyone.` : `“${view.name}” is saved.`,
            'View saved',
          );
          onSaved(view);
          close();
        },
        onError: (err) => {
          const named = err instanceof ApiError ? err.problem.errors?.find((e) => e.path.endsWith('name')) : undefined;
          if (named) setError(`Name ${named.message}`);
          else setFormError(errorMessage(err));
        },
      },
    );
  };
  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650}>Save view</Text>}>
      <form onSubmit={submit} noValidate aria-label="Save view">
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            Keeps this list's filters, sort and columns under a name, to come back to in one click.
          </Text>
          <TextInput
            label="View name"
            placeholder="e.g. Hot leads in Pune"
            value={name}
            onChange={(event) => {
              setName(event.currentTarget.value);
              setError(null);
            }}
            error={error}
            maxLength={80}
            data-autofocus
          />
          {canShare && (
            <Checkbox
              label="Share with everyone in the company"
              checked={shared}
              onChange={(event) => setShared(event.currentTarget.checked)}
            />
          )}
          {formError && (
            <Alert color="red" role="alert">
              {formError}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={create.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Save view
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/**
 * Picks, saves, updates, shares and deletes saved views of the lead list. The view in use is named on the button;
 * "Update" appears once the list differs from what the view keeps.
 */
export function SavedViews({
  current,
  modified,
  state,
  onSelect,
}: {
  current: SavedView | null;
  modified: boolean;
  state: ViewState;
  onSelect: (view: SavedView | null) => void;
}) {
  const me = useMe();
  const canShare = useCan('views:share');
  const views = useViews();
  const update = useUpdateView();
  const remove = useDeleteView();
  const [saving, setSaving] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const mine = (views.data ?? []).filter((v) => v.ownerId === me.user.id);
  const others = (views.data ?? []).filter((v) => v.ownerId !== me.user.id);

  const item = (view: SavedView) => (
    <Menu.Item
      key={view.id}
      onClick={() => onSelect(view)}
      leftSection={view.shared ? <IconUsersGroup size={14} /> : <IconBookmark size={14} />}
      rightSection={current?.id === view.id ? <IconCheck size={14} /> : null}
    >
      <Text size="sm" truncate maw={200}>
        {view.name}
      </Text>
      {view.ownerId !== me.user.id && (
        <Text size="xs" c="dimmed">
          by {view.ownerName}
        </Text>
      )}
    </Menu.Item>
  );

  return (
    <>
      <Menu position="bottom-end" shadow="md" width={260} withinPortal>
        <Menu.Target>
          <Button
            variant="default"
            leftSection={<IconBookmark size={16} />}
            rightSection={<IconChevronDown size={14} />}
            aria-label={current ? `Saved views: ${current.name}` : 'Saved views'}
            maw={240}
          >
            <Text span size="sm" fw={600} truncate>
              {current ? `${current.name}${modified ? ' •' : ''}` : 'Views'}
            </Text>
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => onSelect(null)} rightSection={current ? null : <IconCheck size={14} />}>
            All leads
          </Menu.Item>
          {mine.length > 0 && <Menu.Label>My views</Menu.Label>}
          {mine.map(item)}
          {others.length > 0 && <Menu.Label>Shared with me</Menu.Label>}
          {others.map(item)}
          {views.isError && <Menu.Label c="red">Could not load saved views</Menu.Label>}
          <Menu.Divider />
          {current?.editable && modified && (
            <Menu.Item
              leftSection={<IconDeviceFloppy size={14} />}
              onClick={() =>
                update.mutate(
                  { id: current.id, filters: state.filters, columns: state.columns, sort: state.sort },
                  {
                    onSuccess: (view) => notifySuccess(`“${view.name}” now keeps what the list shows.`, 'View updated'),
                    onError: (error) => notifyError(error, 'Could not update the view'),
                  },
                )
              }
            >
              Update “{current.name}”
            </Menu.Item>
          )}
          <Menu.Item leftSection={<IconPlus size={14} />} onClick={() => setSaving(true)}>
            Save as new view…
          </Menu.Item>
          {current?.editable && canShare && (
            <Menu.Item
              leftSection={<IconUsersGroup size={14} />}
              onClick={() =>
                update.mutate(
                  { id: current.id, shared: !current.shared },
                  {
                    onSuccess: (view) =>
                      notifySuccess(
                        view.shared ? `Everyone can now use “${view.name}”.` : `“${view.name}” is yours alone again.`,
                      ),
                    onError: (error) => notifyError(error, 'Could not change sharing'),
                  },
                )
              }
            >
              {current.shared ? 'Stop sharing' : 'Share with everyone'}
            </Menu.Item>
          )}
          {current?.editable && (
            <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => setDeleting(true)}>
              Delete view
            </Menu.Item>
          )}
        </Menu.Dropdown>
      </Menu>

      <SaveViewModal opened={saving} onClose={() => setSaving(false)} state={state} onSaved={onSelect} />
      <ConfirmModal
        opened={deleting && current !== null}
        title="Delete view"
        confirmLabel="Delete view"
        loading={remove.isPending}
        onClose={() => setDeleting(false)}
        onConfirm={() =>
          current &&
          remove.mutate(current.id, {
            onSuccess: () => {
              setDeleting(false);
              onSelect(null);
              notifySuccess(`“${current.name}” was deleted.`);
            },
            onError: (error) => notifyError(error, 'Could not delete the view'),
          })
        }
      >
        <Text size="sm">
          Delete “{current?.name}”?{current?.shared ? ' Everyone it is shared with loses it too.' : ''}
        </Text>
      </ConfirmModal>
    </>
  );
}
