import {
  Alert,
  Button,
  Center,
  Container,
  Loader,
  Paper,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useParams } from 'react-router';
import { useFormErrors } from '../../lib/forms';
import { usePublicSupportForm, useSubmitSupportForm } from './support.queries';

const fields = ['name', 'email', 'subject', 'message', 'reference'] as const;

/** The hosted support page (/support/:key): public, no sign-in; a request opens a ticket. */
export function SupportFormPage() {
  const { key = '' } = useParams();
  const form = usePublicSupportForm(key);
  const submit = useSubmitSupportForm(key);
  const errors = useFormErrors(fields);
  const [values, setValues] = useState<Record<(typeof fields)[number], string>>({
    name: '',
    email: '',
    subject: '',
    message: '',
    reference: '',
  });
  const [website, setWebsite] = useState('');
  const [done, setDone] = useState<{ message: string; reference: string | null } | null>(null);

  const set = (field: (typeof fields)[number]) => (event: { currentTarget: { value: string } }) => {
    const value = event.currentTarget.value;
    setValues((v) => ({ ...v, [field]: value }));
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    errors.clear();
    submit.mutate(
      { ...values, ...(website ? { website } : {}) },
      { onSuccess: (result) => setDone(result), onError: errors.fromError },
    );
  };

  const labelOf = (name: string) => form.data?.fields.find((f) => f.name === name)?.label ?? name;

  return (
    <Container size={560} px="md" py={{ base: 'lg', sm: 48 }}>
      {form.isPending ? (
        <Center h={200}>
          <Loader />
        </Center>
      ) : form.isError ? (
        <Alert color="gray" title="This support page is not available">
          The link may be old, or the form has been turned off.
        </Alert>
      ) : (
        <Paper withBorder radius="md" p={{ base: 'md', sm: 'xl' }} shadow="sm">
          <Stack gap="md">
            <div>
              <Text size="sm" c="dimmed">
                {form.data.companyName}
              </Text>
              <Title order={1} fz={{ base: 24, sm: 28 }}>
                How can we help?
              </Title>
            </div>
            {done ? (
              <Alert color="green" title={done.reference ? `Your request is ${done.reference}` : 'Thank you'}>
                {done.message}
                {done.reference ? ' Keep this reference to follow up.' : ''}
              </Alert>
            ) : (
              <form onSubmit={onSubmit} noValidate>
                <Stack gap="sm">
                  {errors.formError && <Alert color="red">{errors.formError}</Alert>}
                  <TextInput
                    label={labelOf('name')}
                    value={values.name}
                    onChange={set('name')}
                    error={errors.fieldErrors.name}
                    autoComplete="name"
                    required
                  />
                  <TextInput
                    label={labelOf('email')}
                    type="email"
                    value={values.email}
                    onChange={set('email')}
                    error={errors.fieldErrors.email}
                    autoComplete="email"
                    required
                  />
                  <TextInput
                    label={labelOf('subject')}
                    value={values.subject}
                    onChange={set('subject')}
                    error={errors.fieldErrors.subject}
                    required
                  />
                  <Textarea
                    label={labelOf('message')}
                    value={values.message}
                    onChange={set('message')}
                    error={errors.fieldErrors.message}
                    autosize
                    minRows={5}
                    required
                  />
                  <TextInput
                    label={labelOf('reference')}
                    value={values.reference}
                    onChange={set('reference')}
                    error={errors.fieldErrors.reference}
                  />
                  <div
                    aria-hidden="true"
                    style={{ position: 'absolute', left: -10000, width: 1, height: 1, overflow: 'hidden' }}
                  >
                    <label>
                      Leave this empty
                      <input
                        type="text"
                        name="website"
                        tabIndex={-1}
                        autoComplete="off"
                        value={website}
                        onChange={(e) => setWebsite(e.currentTarget.value)}
                      />
                    </label>
                  </div>
                  <Button type="submit" loading={submit.isPending} fullWidth>
                    Send
                  </Button>
                </Stack>
              </form>
            )}
          </Stack>
        </Paper>
      )}
    </Container>
  );
}
