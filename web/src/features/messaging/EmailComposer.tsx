import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Group,
  Modal,
  Select,
  Stack,
  Tabs,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconArrowLeft, IconEye, IconSend } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { notifySuccess } from '../../lib/notify';
import { ApiError } from '../../lib/problem';
import { problemFields } from '../activities/formErrors';
import { useCan } from '../auth/session';
import type { Lead } from '../leads/leads.types';
import { EmailPreviewPane } from './EmailPreviewPane';
import { usePreviewEmail, useSendEmail, useTemplates } from './email.queries';
import type { EmailPreview, EmailTemplate } from './messaging.types';

interface Draft {
  templateId: string | null;
  subject: string;
  html: string;
  text: string;
  to: string[];
  cc: string[];
  bcc: string[];
  signature: boolean;
}

const shownFields = ['subject', 'html', 'text', 'to', 'cc', 'bcc', 'templateId'] as const;

function fromTemplate(draft: Draft, template: EmailTemplate | null): Draft {
  if (!template) return { ...draft, templateId: null };
  return {
    ...draft,
    templateId: template.id,
    subject: template.subject,
    html: template.html ?? '',
    text: template.text ?? '',
  };
}

/** The request body: the template and the source as shown (rendering happens once, when sending). */
function contentOf(draft: Draft) {
  return {
    ...(draft.templateId ? { templateId: draft.templateId } : {}),
    subject: draft.subject.trim(),
    html: draft.html.trim() ? draft.html : null,
    text: draft.text.trim() ? draft.text : null,
    signature: draft.signature,
  };
}

/**
 * Writes an email to a lead from a template or from scratch; "Preview" renders it on the server with this lead
 * (exactly what would go out), and only from the preview can it be sent.
 */
export function EmailComposer({ lead, opened, onClose }: { lead: Lead; opened: boolean; onClose: () => void }) {
  const phone = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={<Text fw={650}>Email {lead.name}</Text>}
      size="xl"
      fullScreen={phone}
      closeOnClickOutside={false}
    >
      {opened && <Composer lead={lead} onDone={onClose} />}
    </Modal>
  );
}

function Composer({ lead, onDone }: { lead: Lead; onDone: () => void }) {
  const addresses = lead.emails ?? [];
  const [draft, setDraft] = useState<Draft>({
    templateId: null,
    subject: '',
    html: '',
    text: '',
    to: addresses.slice(0, 1),
    cc: [],
    bcc: [],
    signature: true,
  });
  const [copies, setCopies] = useState(false);
  const [bodyTab, setBodyTab] = useState<string | null>('text');
  const [preview, setPreview] = useState<EmailPreview | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<{ message: string; notConfigured: boolean } | null>(null);
  const canManage = useCan('email:manage');
  const templates = useTemplates();
  const render = usePreviewEmail();
  const send = useSendEmail(lead.id);

  const options = useMemo(() => {
    const list = templates.data?.data ?? [];
    const group = (scope: string, label: string) => ({
      group: label,
      items: list.filter((t) => t.scope === scope).map((t) => ({ value: t.id, label: t.name })),
    });
    return [group('personal', 'My templates'), group('company', 'Company templates')].filter((g) => g.items.length);
  }, [templates.data]);

  const edit = (patch: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...patch }));
    setErrors({});
    setFormError(null);
  };

  const fail = (error: unknown) => {
    const { fields, message } = problemFields(error, shownFields);
    setErrors(fields);
    const notConfigured = error instanceof ApiError && error.code === 'email_not_configured';
    setFormError(message ? { message, notConfigured } : null);
    if (fields.html) setBodyTab('html');
    else if (fields.text) setBodyTab('text');
  };

  const showPreview = () => {
    setFormError(null);
    if (!draft.subject.trim()) return setErrors({ subject: 'Write a subject, or pick a template' });
    if (!draft.html.trim() && !draft.text.trim()) return setErrors({ text: 'Write the message, or pick a template' });
    render.mutate({ leadId: lead.id, ...contentOf(draft) }, { onSuccess: setPreview, onError: fail });
  };

  const submit = () => {
    send.mutate(
      {
        ...contentOf(draft),
        ...(draft.to.length > 0 ? { to: draft.to } : {}),
        ...(draft.cc.length > 0 ? { cc: draft.cc } : {}),
        ...(draft.bcc.length > 0 ? { bcc: draft.bcc } : {}),
      },
      {
        onSuccess: (message) => {
          notifySuccess(`“${message.subject}” is on its way to ${message.to.join(', ') || lead.name}.`, 'Email queued');
          onDone();
        },
        onError: (error) => {
          setPreview(null);
          fail(error);
        },
      },
    );
  };

  const alert = formError && (
    <Alert color="red" role="alert" title={formError.notConfigured ? 'Email is not set up yet' : undefined}>
      {!formError.notConfigured && formError.message}
      {formError.notConfigured &&
        (canManage ? (
          <Text size="sm">
            Connect your mail server in{' '}
            <Anchor component={Link} to="/settings/email-server" size="sm">
              Settings → Email server
            </Anchor>
            .
          </Text>
        ) : (
          <Text size="sm">Ask an admin to connect your company’s mail server.</Text>
        ))}
    </Alert>
  );

  if (preview) {
    return (
      <Stack gap="md" aria-label="Email preview">
        <EmailPreviewPane
          preview={preview}
          to={draft.to.length ? draft.to : preview.to}
          cc={draft.cc}
          bcc={draft.bcc}
        />
        {alert}
        <Group justify="space-between" gap="sm">
          <Button variant="default" leftSection={<IconArrowLeft size={16} />} onClick={() => setPreview(null)}>
            Back to edit
          </Button>
          <Button leftSection={<IconSend size={16} />} onClick={submit} loading={send.isPending}>
            Send email
          </Button>
        </Group>
      </Stack>
    );
  }

  return (
    <form
      aria-label="Write email"
      onSubmit={(event) => {
        event.preventDefault();
        showPreview();
      }}
      noValidate
    >
      <Stack gap="sm">
        <Select
          label="Template"
          placeholder={templates.isPending ? 'Loading templates…' : 'No template: write your own'}
          data={options}
          value={draft.templateId}
          onChange={(id) => {
            const template = templates.data?.data.find((t) => t.id === id) ?? null;
            setDraft((current) => fromTemplate(current, template));
            setBodyTab(template?.html ? 'html' : 'text');
            setErrors({});
          }}
          searchable
          clearable
          nothingFoundMessage="No template by that name"
          error={errors.templateId}
        />
        <TagsInput
          label="To"
          description={
            addresses.length === 0 && lead.emails === undefined ? 'Empty: the lead’s first email address' : undefined
          }
          placeholder={draft.to.length ? undefined : 'name@example.com'}
          data={addresses}
          value={draft.to}
          onChange={(to) => edit({ to })}
          maxTags={20}
          splitChars={[',', ' ', ';']}
          error={errors.to}
          clearable
        />
        {copies ? (
          <Group grow align="flex-start" gap="sm">
            <TagsInput
              label="Cc"
              value={draft.cc}
              onChange={(cc) => edit({ cc })}
              splitChars={[',', ' ', ';']}
              error={errors.cc}
            />
            <TagsInput
              label="Bcc"
              value={draft.bcc}
              onChange={(bcc) => edit({ bcc })}
              splitChars={[',', ' ', ';']}
              error={errors.bcc}
            />
          </Group>
        ) : (
          <Anchor
            component="button"
            type="button"
            size="xs"
            onClick={() => setCopies(true)}
            style={{ alignSelf: 'flex-start' }}
          >
            Add Cc or Bcc
          </Anchor>
        )}
        <TextInput
          label="Subject"
          value={draft.subject}
          onChange={(event) => edit({ subject: event.currentTarget.value })}
          maxLength={1000}
          error={errors.subject}
        />
        <Tabs value={bodyTab} onChange={setBodyTab} keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="text">Plain text</Tabs.Tab>
            <Tabs.Tab value="html">HTML</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="text" pt="xs">
            <Textarea
              aria-label="Message"
              placeholder={
                draft.html.trim()
                  ? 'Left empty, the plain-text part is made from the HTML'
                  : 'Hello {{ lead.firstName | default: "there" }}, …'
              }
              value={draft.text}
              onChange={(event) => edit({ text: event.currentTarget.value })}
              autosize
              minRows={8}
              maxRows={18}
              error={errors.text}
            />
          </Tabs.Panel>
          <Tabs.Panel value="html" pt="xs">
            <Textarea
              aria-label="HTML"
              placeholder="<p>Hello {{ lead.firstName }},</p>"
              value={draft.html}
              onChange={(event) => edit({ html: event.currentTarget.value })}
              autosize
              minRows={8}
              maxRows={18}
              error={errors.html}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
            />
          </Tabs.Panel>
        </Tabs>
        <Text size="xs" c="dimmed">
          Variables such as {'{{ lead.firstName }}'} and {'{{ sender.name }}'} are filled in for {lead.name} when sent.
        </Text>
        <Checkbox
          label="Add my signature"
          checked={draft.signature}
          onChange={(event) => edit({ signature: event.currentTarget.checked })}
        />
        {alert}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" leftSection={<IconEye size={16} />} loading={render.isPending}>
            Preview
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
