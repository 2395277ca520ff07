import { Alert, Anchor, Button, PasswordInput, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconCircleCheck } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../lib/api';
import { useFormErrors } from '../../lib/forms';
import { AuthCard } from './AuthCard';

const fields = ['token', 'password', 'confirm'] as const;
const labels = { token: 'Reset link', password: 'New password', confirm: 'Repeat the new password' };

/** `/reset-password?token=…`: the page a reset link opens; sets the new password, which ends every session. */
export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const errors = useFormErrors(fields, labels);

  const reset = useMutation({
    mutationFn: (body: { token: string; password: string }) =>
      unwrap(api.POST('/api/v1/auth/password-reset/confirm', { body })),
    onSuccess: () => setDone(true),
    onError: errors.fromError,
  });

  const askAgain = (
    <Anchor component={Link} to="/forgot-password" size="sm">
      Ask for a new link
    </Anchor>
  );

  if (!token) {
    return (
      <AuthCard title="Reset your password" intro="This page is opened from a reset link.">
        <Stack gap="md">
          <Alert color="red" icon={<IconAlertCircle size={18} />}>
            The link is incomplete: open it exactly as you received it.
          </Alert>
          {askAgain}
        </Stack>
      </AuthCard>
    );
  }

  if (done) {
    return (
      <AuthCard title="Password changed" intro="You were signed out everywhere.">
        <Stack gap="md">
          <Alert color="teal" icon={<IconCircleCheck size={18} />}>
            Your new password is set. Sign in with it.
          </Alert>
          <Button component={Link} to="/login" fullWidth>
            Sign in
          </Button>
        </Stack>
      </AuthCard>
    );
  }

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    errors.clear();
    if (!password) {
      errors.setFieldErrors({ password: 'Choose a new password' });
      return;
    }
    if (password !== confirm) {
      errors.setFieldErrors({ confirm: 'The two passwords differ' });
      return;
    }
    reset.mutate({ token, password });
  };

  return (
    <AuthCard
      title="Choose a new password"
      intro="At least 12 characters; a passphrase of a few words is easy to remember and hard to guess."
    >
      <form onSubmit={submit} noValidate aria-label="Reset password">
        <Stack gap="md">
          <PasswordInput
            label="New password"
            autoComplete="new-password"
            value={password}
            onChange={(event) => {
              setPassword(event.currentTarget.value);
              errors.clearField('password');
            }}
            error={errors.fieldErrors.password}
            required
            data-autofocus
          />
          <PasswordInput
            label="Repeat the new password"
            autoComplete="new-password"
            value={confirm}
            onChange={(event) => {
              setConfirm(event.currentTarget.value);
              errors.clearField('confirm');
            }}
            error={errors.fieldErrors.confirm}
            required
          />
          <Button type="submit" fullWidth loading={reset.isPending}>
            Set password
          </Button>
          {errors.fieldErrors.token && (
            <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
              This link is invalid, already used or expired. {askAgain}
            </Alert>
          )}
          {errors.formError && (
            <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
              {errors.formError}
            </Alert>
          )}
          <Text size="sm">
            <Anchor component={Link} to="/login" size="sm">
              Back to sign in
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthCard>
  );
}
