import { Badge, Button, Card, Group, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { notifyError, notifySuccess } from '../../lib/notify';
import { LoadFailed, LoadingRows } from '../settings/SettingsSection';
import { keyOf } from './tickets.labels';
import { type TicketCategory, useSaveTicketCategories, useTicketCategories } from './tickets.queries';

const MAX = 50;
const KEY = /^[a-z0-9][a-z0-9_-]{0,59}$/;

/**
 * Settings › Support › Ticket categories: the list a ticket's category is picked from (key and label). Add one,
 * rename its label, or retire it (tickets keep it); an empty list leaves the category as free text.
 */
export function TicketCategoriesCard() {
  const categories = useTicketCategories();
  const save = useSaveTicketCategories();
  const [draft, setDraft] = useState<TicketCategory[]>([]);
  const [saved, setSaved] = useState<string[]>([]);
  const [label, setLabel] = useState('');
  const [key, setKey] = useState('');
  const [keyTouched, setKeyTouched] = useState(false);

  useEffect(() => {
    if (categories.data) {
      setDraft(categories.data);
      setSaved(categories.data.map((c) => c.key));
    }
  }, [categories.data]);

  const dirty = JSON.stringify(draft) !== JSON.stringify(categories.data ?? []);
  const newKey = keyTouched ? key : keyOf(label);
  const keyError =
    newKey && !KEY.test(newKey)
      ? 'Lower-case letters, digits, - and _'
      : draft.some((c) => c.key === newKey)
        ? 'Already in the list'
        : null;
  const add = () => {
    if (!label.trim() || !newKey || keyError) return;
    setDraft((list) => [...list, { key: newKey, label: label.trim(), active: true }]);
    setLabel('');
    setKey('');
    setKeyTouched(false);
  };
  const patch = (index: number, change: Partial<TicketCategory>) =>
    setDraft((list) => list.map((c, i) => (i === index ? { ...c, ...change } : c)));

  return (
    <Card withBorder data-testid="ticket-categories-card">
      <Title order={3} mb={4}>
        Ticket categories
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        What a ticket is about, picked from this list (up to {MAX}). Retire a category to stop offering it; tickets keep
        theirs. With no categories, a ticket's category is free text.
      </Text>
      {categories.isPending ? (
        <LoadingRows rows={2} />
      ) : categories.isError ? (
        <LoadFailed
          error={categories.error}
          onRetry={() => categories.refetch()}
          title="The ticket categories could not be loaded"
        />
      ) : (
        <Stack gap="xs">
          {draft.map((category, index) => (
            <Group key={category.key} gap="sm" wrap="wrap" align="center">
              <TextInput
                aria-label={`Label of ${category.key}`}
                value={category.label}
                maxLength={100}
                onChange={(e) => patch(index, { label: e.currentTarget.value })}
                style={{ flex: '1 1 160px' }}
              />
              <Badge variant="outline" color="gray" title="Key: what tickets store">
                {category.key}
              </Badge>
              <Switch
                label={category.active ? 'Active' : 'Retired'}
                checked={category.active}
                onChange={(e) => patch(index, { active: e.currentTarget.checked })}
              />
              {!saved.includes(category.key) && (
                <Button
                  variant="subtle"
                  color="gray"
                  size="compact-sm"
                  onClick={() => setDraft((list) => list.filter((_, i) => i !== index))}
                >
                  Remove
                </Button>
              )}
            </Group>
          ))}
          {draft.length < MAX && (
            <form
              onSubmit={(event) => {
                event.preventDefault();
                add();
              }}
            >
              <Group gap="sm" wrap="wrap" align="flex-start">
                <TextInput
                  aria-label="New category"
                  placeholder="New category, e.g. Billing"
                  value={label}
                  maxLength={100}
                  onChange={(e) => setLabel(e.currentTarget.value)}
                  style={{ flex: '1 1 160px' }}
                />
                <TextInput
                  aria-label="Key"
                  placeholder="key"
                  value={newKey}
                  maxLength={60}
                  error={keyError}
                  onChange={(e) => {
                    setKey(e.currentTarget.value);
                    setKeyTouched(true);
                  }}
                  w={140}
                />
                <Button
                  type="submit"
                  variant="light"
                  leftSection={<IconPlus size={14} />}
                  disabled={!label.trim() || !newKey || Boolean(keyError)}
                >
                  Add
                </Button>
              </Group>
            </form>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" disabled={!dirty || save.isPending} onClick={() => setDraft(categories.data)}>
              Reset
            </Button>
            <Button
              loading={save.isPending}
              disabled={!dirty || draft.some((c) => !c.label.trim())}
              onClick={() =>
                save.mutate(
                  draft.map((c) => ({ ...c, label: c.label.trim() })),
                  {
                    onSuccess: () => notifySuccess('Ticket categories saved'),
                    onError: (error) => notifyError(error, 'Could not save the ticket categories'),
                  },
                )
              }
            >
              Save categories
            </Button>
          </Group>
        </Stack>
      )}
    </Card>
  );
}
