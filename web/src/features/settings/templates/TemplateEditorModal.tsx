import {
  Alert,
  Button,
  Group,
  Modal,
  Popover,
  ScrollArea,
  SegmentedControl,
  Stack,
  Tabs,
  Text,
  Textarea,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconBraces, IconEye } from '@tabler/icons-react';
import { type FormEvent, useRef, useState } from 'react';
import { notifySuccess } from '../../../lib/notify';
import { problemFields } from '../../activities/formErrors';
import { useCan } from '../../auth/session';
import { EmailPreviewPane } from '../../messaging/EmailPreviewPane';
import {
  useCreateTemplate,
  usePreviewEmail,
  useTemplateVariables,
  useUpdateTemplate,
} from '../../messaging/email.queries';
import { LeadSearchSelect } from '../../messaging/LeadSearchSelect';
import type { EmailPreview, EmailTemplate } from '../../messaging/messaging.types';

type Field = 'subject' | 'html' | 'text';
const shownFields = ['name', 'scope', 'subject', 'html', 'text'] as const;

export function TemplateEditorModal({
  opened,
  template,
  onClose,
}: {
  opened: boolean;
  template: EmailTemplate | null;
  onClose: () => void;
}) {
  const phone = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const title = template ? (template.editable ? `Edit ${template.name}` : template.name) : 'New template';
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>{title}</Text>} size="xl" fullScreen={phone}>
      {opened && <Editor key={template?.id ?? 'new'} template={template} onDone={onClose} />}
    </Modal>
  );
}

function VariablesButton({ onInsert }: { onInsert: (text: string) => void }) {
  const variables = useTemplateVariables();
  return (
    <Popover position="bottom-end" width={320} shadow="md" withinPortal>
      <Popover.Target>
        <Button size="compact-xs" variant="subtle" leftSection={<IconBraces size={14} />}>
          Insert variable
        </Button>
      </Popover.Target>
      <Popover.Dropdown p={0}>
        <ScrollArea.Autosize mah={300}>
          {(variables.data?.data ?? []).map((v) => (
            <UnstyledButton
              key={v.name}
              onClick={() => onInsert(`{{ ${v.name} }}`)}
              px="sm"
              py={6}
              w="100%"
              style={{ display: 'block' }}
            >
              <Text size="sm" ff="monospace">
                {v.name}
              </Text>
              <Text size="xs" c="dimmed">
                {v.label}
                {v.example ? ` · e.g. ${v.example}` : ''}
              </Text>
            </UnstyledButton>
          ))}
          {variables.isPending && (
            <Text size="sm" c="dimmed" p="sm">
              Loading…
            </Text>
          )}
        </ScrollArea.Autosize>
      </Popover.Dropdown>
    </Popover>
  );
}

function Editor({ template, onDone }: { template: EmailTemplate | null; onDone: () => void }) {
  const canCompany = useCan('email:templates');
  const readOnly = template !== null && !template.editable;
  const [name, setName] = useState(template?.name ?? '');
  const [scope, setScope] = useState<'personal' | 'company'>(template?.scope ?? 'personal');
  const [content, setContent] = useState<Record<Field, string>>({
    subject: template?.subject ?? '',
    html: template?.html ?? '',
    text: template?.text ?? '',
  });
  const [tab, setTab] = useState<string | null>(template?.html || !template ? 'html' : 'text');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [previewLead, setPreviewLead] = useState<{ id: string; name: string } | null>(null);
  const [preview, setPreview] = useState<EmailPreview | null>(null);
  const refs = {
    subject: useRef<HTMLInputElement>(null),
    html: useRef<HTMLTextAreaElement>(null),
    text: useRef<HTMLTextAreaElement>(null),
  };
  const lastFocused = useRef<Field>('html');
  const create = useCreateTemplate();
  const update = useUpdateTemplate();
  const render = usePreviewEmail();

  const edit = (field: Field, value: string) => {
    setContent((current) => ({ ...current, [field]: value }));
    setErrors({});
    setPreview(null);
  };

  const insert = (snippet: string) => {
    const field = lastFocused.current;
    const element = refs[field].current;
    const value = content[field];
    const start = element?.selectionStart ?? value.length;
    const end = element?.selectionEnd ?? value.length;
    edit(field, value.slice(0, start) + snippet + value.slice(end));
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(start + snippet.length, start + snippet.length);
    });
  };

  const fail = (error: unknown) => {
    const { fields, message } = problemFields(error, shownFields);
    setErrors(fields);
    setFormError(message);
    if (fields.html) setTab('html');
    else if (fields.text) setTab('text');
  };

  const body = {
    subject: content.subject.trim(),
    html: content.html.trim() ? content.html : null,
    text: content.text.trim() ? content.text : null,
  };

  const runPreview = (lead: { id: string; name: string } | null) => {
    setPreviewLead(lead);
    setPreview(null);
    if (!lead) return;
    setFormError(null);
    if (!body.subject) return setErrors({ subject: 'Write a subject to preview' });
    if (!body.html && !body.text)
      return setErrors({ [tab === 'text' ? 'text' : 'html']: 'Write the message to preview' });
    render.mutate({ leadId: lead.id, ...body }, { onSuccess: setPreview, onError: fail });
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    const missing: Record<string, string> = {};
    if (!name.trim()) missing.name = 'Name the template';
    if (!body.subject) missing.subject = 'Write a subject';
    if (!body.html && !body.text) missing[tab === 'text' ? 'text' : 'html'] = 'Write the message';
    if (Object.keys(missing).length > 0) return setErrors(missing);
    const done = (saved: EmailTemplate) => {
      notifySuccess(`${saved.name} is ready to use.`, 'Template saved');
      onDone();
    };
    if (template)
      update.mutate({ id: template.id, body: { name: name.trim(), ...body } }, { onSuccess: done, onError: fail });
    else create.mutate({ name: name.trim(), scope, ...body }, { onSuccess: done, onError: fail });
  };

  return (
    <form onSubmit={submit} aria-label="Template" noValidate>
      <Stack gap="sm">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label="Name"
            placeholder="e.g. First reply"
            value={name}
            onChange={(event) => {
              setName(event.currentTarget.value);
              setErrors({});
            }}
            error={errors.name}
            readOnly={readOnly}
            maxLength={120}
            style={{ flex: '1 1 240px' }}
          />
          {!template && canCompany && (
            <SegmentedControl
              aria-label="Who can use it"
              value={scope}
              onChange={(value) => setScope(value === 'company' ? 'company' : 'personal')}
              data={[
                { value: 'personal', label: 'Only me' },
                { value: 'company', label: 'Whole company' },
              ]}
            />
          )}
        </Group>
        <TextInput
          ref={refs.subject}
          label="Subject"
          placeholder="Your quote, {{ lead.firstName }}"
          value={content.subject}
          onChange={(event) => edit('subject', event.currentTarget.value)}
          onFocus={() => {
            lastFocused.current = 'subject';
          }}
          error={errors.subject}
          readOnly={readOnly}
          maxLength={1000}
        />
        <Tabs value={tab} onChange={setTab}>
          <Group justify="space-between" wrap="nowrap">
            <Tabs.List>
              <Tabs.Tab value="html">HTML</Tabs.Tab>
              <Tabs.Tab value="text">Plain text</Tabs.Tab>
            </Tabs.List>
            {!readOnly && <VariablesButton onInsert={insert} />}
          </Group>
          {(['html', 'text'] as const).map((field) => (
            <Tabs.Panel key={field} value={field} pt="xs">
              <Textarea
                ref={refs[field]}
                aria-label={field === 'html' ? 'HTML' : 'Plain text'}
                placeholder={
                  field === 'html'
                    ? '<p>Hello {{ lead.firstName | default: "there" }},</p>'
                    : 'Left empty, the plain-text part is made from the HTML'
                }
                value={content[field]}
                onChange={(event) => edit(field, event.currentTarget.value)}
                onFocus={() => {
                  lastFocused.current = field;
                }}
                autosize
                minRows={8}
                maxRows={16}
                error={errors[field]}
                readOnly={readOnly}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
              />
            </Tabs.Panel>
          ))}
        </Tabs>
        <Group gap="xs" align="center" wrap="wrap">
          <IconEye size={16} />
          <Text size="sm">Preview with</Text>
          <LeadSearchSelect aria-label="Preview with lead" onPick={runPreview} size="xs" w={240} />
        </Group>
        {render.isPending && (
          <Text size="sm" c="dimmed">
            Rendering for {previewLead?.name}…
          </Text>
        )}
        {preview && <EmailPreviewPane preview={preview} to={preview.to} cc={[]} bcc={[]} />}
        {formError && (
          <Alert color="red" role="alert">
            {formError}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            {readOnly ? 'Close' : 'Cancel'}
          </Button>
          {!readOnly && (
            <Button type="submit" loading={create.isPending || update.isPending}>
              Save template
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
