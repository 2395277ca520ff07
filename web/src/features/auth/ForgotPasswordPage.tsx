import { Alert, Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertCircle, IconClockHour4, IconMailCheck } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../lib/api';
import { useFormErrors } from '../../lib/forms';
import { ApiError, throttleMessage } from '../../lib/problem';
import { AuthCard } from './AuthCard';

const fields = ['email'] as const;
const labels = { email: 'Email' };

/** "Forgot password?": asks for a reset link. The answer is the same whether or not the account exists. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [throttledFor, setThrottledFor] = useState<number | null>(null);
  const errors = useFormErrors(fields, labels);

  const request = useMutation({
    mutationFn: (body: { email: string }) => unwrap(api.POST('/api/v1/auth/password-reset', { body })),
    onSuccess: (_result, body) => setSentTo(body.email),
    onError: (error) => {
      if (error instanceof ApiError && error.status === 429) {
        setThrottledFor(error.retryAfter ?? 60);
        return;
      }
      errors.fromError(error);
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    errors.clear();
    setThrottledFor(null);
    if (!email.trim()) {
      errors.setFieldErrors({ email: 'Enter your email address' });
      return;
    }
    request.mutate({ email: email.trim() });
  };

  const back = (
    <Anchor component={Link} to="/login" size="sm">
      Back to sign in
    </Anchor>
  );

  if (sentTo) {
    return (
      <AuthCard title="Check your email" intro="We have your request.">
        <Stack gap="md">
          <Alert color="brand" icon={<IconMailCheck size={18} />}>
            If {sentTo} belongs to an account, a link to choose a new password is on its way. It works once, for 30
            minutes. Nothing arrived? Your company may not send email from iPerform: ask your administrator for a reset
            link.
          </Alert>
          {back}
        </Stack>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title="Forgot your password?"
      intro="Enter the email you sign in with; we will send you a link to choose a new one."
    >
      <form onSubmit={submit} noValidate aria-label="Forgot password">
        <Stack gap="md">
          <TextInput
            label="Email"
            type="email"
            autoComplete="username"
            placeholder="you@company.com"
            value={email}
            onChange={(event) => {
              setEmail(event.currentTarget.value);
              errors.clearField('email');
            }}
            error={errors.fieldErrors.email}
            required
            data-autofocus
          />
          <Button type="submit" fullWidth loading={request.isPending}>
            Send reset link
          </Button>
          {throttledFor !== null && (
            <Alert color="orange" icon={<IconClockHour4 size={18} />} role="alert">
              {throttleMessage(throttledFor)}
            </Alert>
          )}
          {errors.formError && (
            <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
              {errors.formError}
            </Alert>
          )}
          <Text size="sm">{back}</Text>
        </Stack>
      </form>
    </AuthCard>
  );
}
