import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconAlertCircle, IconArrowLeft } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { StatusBadge } from '../../../components/Badges';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { NotFoundPage } from '../../../components/StatusPages';
import { notifySuccess } from '../../../lib/notify';
import { ApiError } from '../../../lib/problem';
import type { WebForm } from '../settings.types';
import { isLeadSource, leadSources } from '../sources';
import { EmbedCard } from './EmbedCard';
import classes from './FormEditor.module.css';
import { FormFieldsEditor } from './FormFieldsEditor';
import {
  checkFields,
  DEFAULT_THANK_YOU,
  draftOfForm,
  type FormDraft,
  type FormErrors,
  fieldsBody,
  newFormDraft,
  placeErrors,
} from './formDraft';
import { useCreateWebForm, useUpdateWebForm, useWebForm } from './forms.queries';

const noErrors: FormErrors = { form: {}, rows: {}, general: null };

const back = (
  <Anchor component={Link} to="/settings/forms" size="sm" c="dimmed">
    <Group gap={4}>
      <IconArrowLeft size={14} />
      All web forms
    </Group>
  </Anchor>
);

function FormEditor({ form }: { form: WebForm | null }) {
  const navigate = useNavigate();
  const [initial] = useState<FormDraft>(() => (form ? draftOfForm(form) : newFormDraft()));
  const [draft, setDraft] = useState<FormDraft>(initial);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const create = useCreateWebForm();
  const update = useUpdateWebForm(form?.id ?? '');
  const pending = create.isPending || update.isPending;
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial);

  const set = <K extends keyof FormDraft>(key: K, value: FormDraft[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    setErrors((current) => ({ ...current, form: { ...current.form, [key]: undefined } }));
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const rows = checkFields(draft.fields);
    const named = draft.fields.some((field) => field.mapsTo === 'name');
    if (!draft.name.trim() || Object.keys(rows).length > 0 || !named) {
      setErrors({
        ...noErrors,
        form: {
          ...(draft.name.trim() ? {} : { name: 'Give the form a name, e.g. the page it sits on' }),
          ...(named ? {} : { fields: 'One field must fill the lead’s name.' }),
        },
        rows,
      });
      return;
    }
    setErrors(noErrors);
    const body = {
      name: draft.name.trim(),
      fields: fieldsBody(draft.fields),
      source: draft.source,
      campaign: draft.campaign.trim() || null,
      thankYou: draft.thankYou.trim() || DEFAULT_THANK_YOU,
      active: draft.active,
    };
    const onError = (error: unknown) => setErrors(placeErrors(error, draft.fields));
    if (form) {
      update.mutate(body, {
        onSuccess: (saved) => notifySuccess(`${saved.name} was saved.`, 'Form saved'),
        onError,
      });
    } else {
      create.mutate(body, {
        onSuccess: (saved) => {
          notifySuccess('Copy the snippet below into your website.', 'Form created');
          navigate(`/settings/forms/${saved.id}`, { replace: true });
        },
        onError,
      });
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label={form ? `Edit ${form.name}` : 'New web form'}>
      <Stack gap="lg">
        <Card p={{ base: 'md', sm: 'lg' }}>
          <Title order={3} mb="md">
            Details
          </Title>
          <Stack gap="md">
            <TextInput
              label="Name"
              description="For you; visitors see it only as the form's accessible name."
              placeholder="e.g. Contact us (website)"
              value={draft.name}
              onChange={(event) => set('name', event.currentTarget.value)}
              error={errors.form.name}
              maxLength={120}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <Select
                label="Lead source"
                data={leadSources}
                value={draft.source}
                onChange={(value) => {
                  if (isLeadSource(value)) set('source', value);
                }}
                allowDeselect={false}
                error={errors.form.source}
              />
              <TextInput
                label="Campaign"
                placeholder="Optional, e.g. Diwali offer"
                value={draft.campaign}
                onChange={(event) => set('campaign', event.currentTarget.value)}
                error={errors.form.campaign}
                maxLength={200}
              />
            </SimpleGrid>
            <Textarea
              label="Thank-you message"
              description="Shown to the visitor after they send the form."
              autosize
              minRows={2}
              value={draft.thankYou}
              onChange={(event) => set('thankYou', event.currentTarget.value)}
              error={errors.form.thankYou}
              maxLength={1000}
            />
            <Switch
              label="Active"
              description="An inactive form refuses submissions until it is made active again."
              checked={draft.active}
              onChange={(event) => set('active', event.currentTarget.checked)}
            />
          </Stack>
        </Card>

        <Card p={{ base: 'md', sm: 'lg' }}>
          <Title order={3}>Fields</Title>
          <Text size="sm" c="dimmed" mb="md">
            What the form asks, in page order. One field must fill the lead's name; each lead field is filled by one
            field at most.
          </Text>
          {errors.form.fields && (
            <Alert color="red" icon={<IconAlertCircle size={18} />} mb="md" role="alert">
              {errors.form.fields}
            </Alert>
          )}
          <FormFieldsEditor
            fields={draft.fields}
            errors={errors.rows}
            onChange={(fields) => {
              set('fields', fields);
              setErrors((current) => ({ ...current, rows: {}, form: { ...current.form, fields: undefined } }));
            }}
          />
        </Card>

        {form && <EmbedCard form={form} dirty={dirty} />}

        <div className={classes.saveBar}>
          {errors.general && (
            <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert" style={{ flex: '1 1 100%' }}>
              {errors.general}
            </Alert>
          )}
          {Object.keys(errors.rows).length > 0 && (
            <Text size="sm" c="red" mr="auto">
              Some fields need attention.
            </Text>
          )}
          <Button
            variant="default"
            onClick={() => {
              setDraft(initial);
              setErrors(noErrors);
            }}
            disabled={!dirty || pending}
          >
            Discard
          </Button>
          <Button type="submit" loading={pending} disabled={Boolean(form) && !dirty}>
            {form ? 'Save form' : 'Create form'}
          </Button>
        </div>
      </Stack>
    </form>
  );
}

function ExistingForm({ id }: { id: string }) {
  const query = useWebForm(id);
  if (query.isPending) {
    return (
      <Stack>
        {back}
        <Skeleton h={40} w={280} />
        <Skeleton h={320} />
      </Stack>
    );
  }
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 404) return <NotFoundPage />;
    return (
      <Stack>
        {back}
        <ErrorAlert error={query.error} onRetry={() => query.refetch()} title="Could not load this form" />
      </Stack>
    );
  }
  const form = query.data;
  return (
    <Stack gap="md">
      {back}
      <Group gap="sm">
        <Title order={2} style={{ overflowWrap: 'anywhere' }}>
          {form.name}
        </Title>
        <StatusBadge active={form.active} />
      </Group>
      {/* A save that changes the form starts the editor over from what was saved. */}
      <FormEditor key={form.updatedAt} form={form} />
    </Stack>
  );
}

export function FormEditorPage() {
  const { id = 'new' } = useParams();
  if (id !== 'new') return <ExistingForm key={id} id={id} />;
  return (
    <Stack gap="md">
      {back}
      <Title order={2}>New web form</Title>
      <FormEditor form={null} />
    </Stack>
  );
}
