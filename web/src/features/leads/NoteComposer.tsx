import { Avatar, Button, Combobox, Group, Text, Textarea, useCombobox } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';
import { initials } from '../../lib/format';
import { useCan } from '../auth/session';
import { useUserOptions } from '../users/users.queries';
import { fromMarkup, type Mention, mentionQueryAt, toMarkup } from './mentions';

/**
 * A note box where `@` starts naming a colleague: the people who match are offered as one types, and each one
 * picked is sent as a mention (they are notified). Enter with Ctrl or ⌘ saves.
 */
export function NoteComposer({
  initial = '',
  label = 'Add a note',
  submitLabel = 'Add note',
  pending,
  error,
  onSubmit,
  onCancel,
  autoFocus = false,
}: {
  /** A saved note's body (with its mention markup), when editing. */
  initial?: string;
  label?: string;
  submitLabel?: string;
  pending: boolean;
  error?: string | null;
  /** Receives the body with mention markup; resolve true when saved, so the box empties. */
  onSubmit: (body: string) => Promise<boolean>;
  onCancel?: () => void;
  autoFocus?: boolean;
}) {
  const canMention = useCan('users:read');
  const start = fromMarkup(initial);
  const [text, setText] = useState(start.text);
  const [mentions, setMentions] = useState<Mention[]>(start.mentions);
  const [query, setQuery] = useState<{ start: number; query: string } | null>(null);
  const [debounced] = useDebouncedValue(query?.query ?? '', 200);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });
  const people = useUserOptions({ q: debounced || undefined, active: true }, canMention && query !== null);
  const options = query ? (people.data?.data ?? []).slice(0, 8) : [];

  // The store is a new object each render; the effect reads the latest through a ref and runs when the matches do.
  const store = useRef(combobox);
  store.current = combobox;
  const open = query !== null && options.length > 0;
  const firstId = options[0]?.id;
  useEffect(() => {
    if (open && firstId !== undefined) {
      store.current.openDropdown();
      store.current.selectFirstOption();
    } else store.current.closeDropdown();
  }, [open, firstId]);

  const track = (value: string, caret: number) => {
    setText(value);
    setQuery(canMention ? mentionQueryAt(value, caret) : null);
  };

  const pick = (userId: string) => {
    const person = options.find((u) => u.id === userId);
    if (!person || !query) return;
    const caret = textarea.current?.selectionStart ?? text.length;
    const next = `${text.slice(0, query.start)}@${person.name} ${text.slice(caret)}`;
    const nextCaret = query.start + person.name.length + 2;
    setText(next);
    setMentions((current) => [...current, { id: person.id, name: person.name }]);
    setQuery(null);
    requestAnimationFrame(() => {
      textarea.current?.focus();
      textarea.current?.setSelectionRange(nextCaret, nextCaret);
    });
  };

  const submit = async () => {
    const body = text.trim();
    if (!body || pending) return;
    if (await onSubmit(toMarkup(body, mentions))) {
      setText('');
      setMentions([]);
    }
  };

  return (
    <div>
      <Combobox store={combobox} onOptionSubmit={pick} withinPortal={false} position="bottom-start">
        <Combobox.Target targetType="input">
          <Textarea
            ref={textarea}
            label={label}
            placeholder={canMention ? 'Write a note; type @ to mention a colleague' : 'Write a note'}
            value={text}
            onChange={(event) => track(event.currentTarget.value, event.currentTarget.selectionStart)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
                event.preventDefault();
                void submit();
              }
              if (event.key === 'Escape' && !combobox.dropdownOpened && onCancel) onCancel();
            }}
            onClick={(event) => track(event.currentTarget.value, event.currentTarget.selectionStart)}
            autosize
            minRows={2}
            maxRows={10}
            error={error ?? undefined}
            autoFocus={autoFocus}
            maxLength={10_000}
          />
        </Combobox.Target>
        <Combobox.Dropdown>
          <Combobox.Options aria-label="People to mention">
            {options.map((user) => (
              <Combobox.Option value={user.id} key={user.id}>
                <Group gap="xs" wrap="nowrap">
                  <Avatar size={22} radius="xl" color="brand">
                    {initials(user.name)}
                  </Avatar>
                  <Text size="sm">{user.name}</Text>
                </Group>
              </Combobox.Option>
            ))}
          </Combobox.Options>
        </Combobox.Dropdown>
      </Combobox>
      <Group justify="flex-end" gap="xs" mt="xs">
        {onCancel && (
          <Button variant="default" size="xs" onClick={onCancel} disabled={pending}>
            Cancel
          </Button>
        )}
        <Button size="xs" onClick={() => void submit()} loading={pending} disabled={!text.trim()}>
          {submitLabel}
        </Button>
      </Group>
    </div>
  );
}
