import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  Drawer,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconBrandWhatsapp, IconPlus, IconSend, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { formatDateTime } from '../../lib/format';
import { notifySuccess } from '../../lib/notify';
import { problemFields } from '../activities/formErrors';
import { useCan } from '../auth/session';
import type { Lead } from '../leads/leads.types';
import { WhatsAppThreadView } from './WhatsAppThreadView';
import { useSendWhatsApp, useWhatsAppThread } from './whatsapp.queries';

type Mode = 'text' | 'template';
const shownFields = ['text', 'templateName', 'language', 'params', 'phone', 'phones'] as const;

/** The WhatsApp conversation with a lead and a box to answer: free text inside the 24-hour window, else a template. */
export function WhatsAppComposer({ lead, opened, onClose }: { lead: Lead; opened: boolean; onClose: () => void }) {
  const phone = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  return (
    <Drawer
      opened={opened}
      onClose={onClose}
      position="right"
      size={phone ? '100%' : 'lg'}
      title={
        <Group gap="xs">
          <IconBrandWhatsapp size={20} color="var(--mantine-color-green-7)" />
          <Text fw={650}>WhatsApp · {lead.name}</Text>
        </Group>
      }
      styles={{ body: { display: 'flex', flexDirection: 'column', height: 'calc(100% - 60px)' } }}
    >
      {opened && <Conversation lead={lead} />}
    </Drawer>
  );
}

function Conversation({ lead }: { lead: Lead }) {
  const canSend = useCan('whatsapp:send');
  const canManage = useCan('whatsapp:manage');
  const thread = useWhatsAppThread(lead.id, true);
  const first = thread.data?.pages[0];
  const windowEndsAt = first?.windowEndsAt ?? null;
  const windowOpen = windowEndsAt !== null && new Date(windowEndsAt).getTime() > Date.now();
  const connected = first?.connected ?? true;
  return (
    <Stack gap="sm" style={{ flex: 1, minHeight: 0 }}>
      <WhatsAppThreadView thread={thread} />
      {first && !connected && (
        <Alert color="yellow" title="WhatsApp is not connected">
          {canManage ? (
            <Text size="sm">
              Connect your WhatsApp Business number in{' '}
              <Anchor component={Link} to="/settings/whatsapp" size="sm">
                Settings → WhatsApp
              </Anchor>{' '}
              to message leads from here.
            </Text>
          ) : (
            <Text size="sm">Messages can be sent once an admin connects your company’s WhatsApp Business number.</Text>
          )}
        </Alert>
      )}
      {first && connected && canSend && (
        <SendBox lead={lead} windowOpen={windowOpen} windowEndsAt={windowEndsAt} key={windowOpen ? 'open' : 'closed'} />
      )}
    </Stack>
  );
}

function SendBox({ lead, windowOpen, windowEndsAt }: { lead: Lead; windowOpen: boolean; windowEndsAt: string | null }) {
  const phones = lead.phones ?? [];
  const [mode, setMode] = useState<Mode>(windowOpen ? 'text' : 'template');
  const [text, setText] = useState('');
  const [templateName, setTemplateName] = useState('');
  const [language, setLanguage] = useState('en_US');
  const [params, setParams] = useState<string[]>([]);
  const [phone, setPhone] = useState<string | null>(phones[0] ?? null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const send = useSendWhatsApp(lead.id);

  const submit = () => {
    setFormError(null);
    setErrors({});
    if (mode === 'text' && !text.trim()) return setErrors({ text: 'Write a message' });
    if (mode === 'template' && !templateName.trim()) return setErrors({ templateName: 'Name the approved template' });
    const body =
      mode === 'text'
        ? { text: text.trim() }
        : {
            templateName: templateName.trim(),
            language: language.trim() || 'en_US',
            ...(params.length > 0 ? { params: params.map((p) => p.trim()) } : {}),
          };
    send.mutate(
      { ...body, ...(phone && phones.length > 1 ? { phone } : {}) },
      {
        onSuccess: () => {
          setText('');
          notifySuccess('It will show as sent, delivered and read as WhatsApp reports back.', 'Message queued');
        },
        onError: (error) => {
          const { fields, message } = problemFields(error, shownFields);
          const { phones: phonesError, ...rest } = fields;
          setErrors(rest);
          setFormError([phonesError, message].filter(Boolean).join(' ') || null);
        },
      },
    );
  };

  return (
    <form
      aria-label="Send WhatsApp"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Stack gap="xs">
        <Text size="xs" c={windowOpen ? 'dimmed' : 'orange.8'}>
          {windowOpen
            ? `You can write freely until ${formatDateTime(windowEndsAt)} (24 hours after their last message).`
            : windowEndsAt
              ? 'More than 24 hours since their last message: WhatsApp only delivers approved templates now.'
              : 'They have not written yet: start the conversation with an approved template.'}
        </Text>
        <Group gap="xs" wrap="wrap">
          <SegmentedControl
            size="xs"
            aria-label="Message kind"
            value={mode}
            onChange={(value) => setMode(value === 'template' ? 'template' : 'text')}
            data={[
              { value: 'text', label: 'Text' },
              { value: 'template', label: 'Template' },
            ]}
          />
          {phones.length > 1 && (
            <Select
              size="xs"
              aria-label="Number"
              data={phones}
              value={phone}
              onChange={setPhone}
              allowDeselect={false}
              w={170}
              error={errors.phone}
            />
          )}
        </Group>
        {mode === 'text' ? (
          <Textarea
            aria-label="Message"
            placeholder={windowOpen ? 'Type a message' : 'A text will likely be refused outside the 24-hour window'}
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
            autosize
            minRows={2}
            maxRows={6}
            maxLength={4096}
            error={errors.text}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
                event.preventDefault();
                submit();
              }
            }}
          />
        ) : (
          <Stack gap="xs">
            <Group grow gap="xs" align="flex-start">
              <TextInput
                label="Approved template"
                placeholder="e.g. follow_up_reminder"
                value={templateName}
                onChange={(event) => setTemplateName(event.currentTarget.value.toLowerCase())}
                error={errors.templateName}
              />
              <TextInput
                label="Language"
                value={language}
                onChange={(event) => setLanguage(event.currentTarget.value)}
                error={errors.language}
                maw={120}
              />
            </Group>
            {params.map((value, index) => (
              // Parameters are positional ({{1}}, {{2}}, …): the index is their identity.
              // biome-ignore lint/suspicious/noArrayIndexKey: positional values
              <Group key={index} gap="xs" wrap="nowrap">
                <TextInput
                  aria-label={`Value of {{${index + 1}}}`}
                  leftSection={<Text size="xs" c="dimmed">{`{{${index + 1}}}`}</Text>}
                  leftSectionWidth={44}
                  value={value}
                  onChange={(event) => {
                    const next = [...params];
                    next[index] = event.currentTarget.value;
                    setParams(next);
                  }}
                  style={{ flex: 1 }}
                  error={errors[`params.${index}`]}
                />
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  aria-label={`Remove {{${index + 1}}}`}
                  onClick={() => setParams(params.filter((_, i) => i !== index))}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
            ))}
            {params.length < 20 && (
              <Button
                variant="subtle"
                size="compact-xs"
                leftSection={<IconPlus size={14} />}
                onClick={() => setParams([...params, ''])}
                style={{ alignSelf: 'flex-start' }}
              >
                Add a value for {`{{${params.length + 1}}}`}
              </Button>
            )}
          </Stack>
        )}
        {formError && (
          <Alert color="red" role="alert">
            {formError}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" color="green" leftSection={<IconSend size={16} />} loading={send.isPending}>
            Send
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
