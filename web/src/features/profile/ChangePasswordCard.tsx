import { Alert, Button, Card, Group, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useFormErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { MIN_PASSWORD_LENGTH } from '../../lib/passwords';
import { ApiError } from '../../lib/problem';
import { useChangePassword } from './profile.queries';

const fields = ['currentPassword', 'newPassword', 'confirmPassword'] as const;
type Field = (typeof fields)[number];
const labels = { currentPassword: 'Current password', newPassword: 'New password', confirmPassword: 'Password' };

export function ChangePasswordCard() {
  const [values, setValues] = useState<Record<Field, string>>({
    currentPassword: '',
    newPassword: '',
    confirmPassword: '',
  });
  const errors = useFormErrors(fields, labels);
  const change = useChangePassword();

  const set = (field: Field, value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    errors.clearField(field);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    errors.clear();
    const problems: Partial<Record<Field, string>> = {};
    if (!values.currentPassword) problems.currentPassword = 'Enter your current password';
    if (values.newPassword.length < MIN_PASSWORD_LENGTH) {
      problems.newPassword = `Use at least ${MIN_PASSWORD_LENGTH} characters`;
    }
    if (values.confirmPassword !== values.newPassword) problems.confirmPassword = 'The passwords do not match';
    if (Object.keys(problems).length > 0) {
      errors.setFieldErrors(problems);
      return;
    }
    change.mutate(
      { currentPassword: values.currentPassword, newPassword: values.newPassword },
      {
        onSuccess: () => {
          setValues({ currentPassword: '', newPassword: '', confirmPassword: '' });
          notifySuccess('Your other devices have been signed out.', 'Password changed');
        },
        onError: (error) => {
          // A wrong current password comes back as a bare 401 or 4xx without a field: put it where the mistake is.
          if (error instanceof ApiError && error.code === 'invalid_credentials' && !error.problem.errors?.length) {
            errors.setFieldErrors({ currentPassword: 'Your current password is not correct' });
            return;
          }
          errors.fromError(error);
        },
      },
    );
  };

  return (
    <Card h="100%">
      <Title order={3}>Change password</Title>
      <Text size="sm" c="dimmed" mt={4} mb="md">
        Choose at least {MIN_PASSWORD_LENGTH} characters. Changing it signs out your other devices.
      </Text>
      <form onSubmit={submit} noValidate aria-label="Change password">
        <Stack gap="md">
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            value={values.currentPassword}
            onChange={(event) => set('currentPassword', event.currentTarget.value)}
            error={errors.fieldErrors.currentPassword}
          />
          <PasswordInput
            label="New password"
            autoComplete="new-password"
            value={values.newPassword}
            onChange={(event) => set('newPassword', event.currentTarget.value)}
            error={errors.fieldErrors.newPassword}
          />
          <PasswordInput
            label="Confirm password"
            autoComplete="new-password"
            value={values.confirmPassword}
            onChange={(event) => set('confirmPassword', event.currentTarget.value)}
            error={errors.fieldErrors.confirmPassword}
          />
          {errors.formError && (
            <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
              {errors.formError}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
