import { Alert, Anchor, Box, Button, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertCircle, IconChartLine, IconClockHour4, IconInfoCircle, IconUsersGroup } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { Brand } from '../../components/Brand';
import { api, dismissSessionEndedNotice, sessionEndedNotice, unwrap } from '../../lib/api';
import { useFormErrors } from '../../lib/forms';
import { ApiError, throttleMessage } from '../../lib/problem';
import { setTokens } from '../../lib/tokens';
import classes from './LoginPage.module.css';
import { useSignedIn } from './session';

const fields = ['email', 'password'] as const;
const labels = { email: 'Email', password: 'Password' };

const points = [
  { icon: IconUsersGroup, title: 'Every lead, one place', text: 'Capture, assign and follow up without spreadsheets.' },
  { icon: IconClockHour4, title: 'Never miss a follow-up', text: 'Reminders and activity history for the whole team.' },
  { icon: IconChartLine, title: 'See what converts', text: 'Pipeline and team performance at a glance.' },
];

function targetAfterLogin(state: unknown): string {
  if (typeof state === 'object' && state !== null && 'from' in state && typeof state.from === 'string') {
    if (state.from.startsWith('/') && !state.from.startsWith('/login')) return state.from;
  }
  return '/';
}

/** Counts a Retry-After down to zero, one second at a time. */
function useCountdown() {
  const [seconds, setSeconds] = useState<number | null>(null);
  useEffect(() => {
    if (seconds === null || seconds <= 0) return;
    const timer = window.setTimeout(() => setSeconds((s) => (s === null ? null : s - 1)), 1000);
    return () => window.clearTimeout(timer);
  }, [seconds]);
  return [seconds, setSeconds] as const;
}

export function LoginPage() {
  const signedIn = useSignedIn();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [sessionEnded] = useState(sessionEndedNotice);
  const [throttledFor, setThrottledFor] = useCountdown();
  const errors = useFormErrors(fields, labels);

  useEffect(() => {
    if (sessionEnded) dismissSessionEndedNotice();
  }, [sessionEnded]);

  const login = useMutation({
    mutationFn: (body: { email: string; password: string }) => unwrap(api.POST('/api/v1/auth/login', { body })),
    onSuccess: (result) => {
      setTokens({ accessToken: result.accessToken, refreshToken: result.refreshToken });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 429) {
        errors.clear();
        setThrottledFor(error.retryAfter ?? 60);
        return;
      }
      setThrottledFor(null);
      errors.fromError(error);
    },
  });

  if (signedIn) return <Navigate to={targetAfterLogin(location.state)} replace />;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    errors.clear();
    const missing: Partial<Record<(typeof fields)[number], string>> = {};
    if (!email.trim()) missing.email = 'Enter your email address';
    if (!password) missing.password = 'Enter your password';
    if (Object.keys(missing).length > 0) {
      errors.setFieldErrors(missing);
      return;
    }
    login.mutate({ email: email.trim(), password });
  };

  return (
    <div className={classes.page}>
      <aside className={classes.showcase}>
        <Brand size="xl" inverted />
        <Stack gap="xl" maw={440}>
          <Title order={1} fz={34} lh={1.2} c="white">
            Turn more leads into customers.
          </Title>
          <Stack gap="lg">
            {points.map(({ icon: Icon, title, text }) => (
              <div key={title} className={classes.point}>
                <span className={classes.pointIcon}>
                  <Icon size={20} stroke={1.8} />
                </span>
                <div>
                  <Text fw={600}>{title}</Text>
                  <Text size="sm" opacity={0.82}>
                    {text}
                  </Text>
                </div>
              </div>
            ))}
          </Stack>
        </Stack>
        <Text size="xs" opacity={0.7}>
          © iPerform
        </Text>
      </aside>

      <main className={classes.formSide}>
        <Box className={classes.formBox}>
          <Stack gap={6} mb="xl">
            <Brand size="xl" />
            <Text c="dimmed" size="sm" mt={6}>
              Lead management for sales teams that follow up.
            </Text>
          </Stack>

          <Paper withBorder shadow="sm" p={{ base: 'lg', sm: 'xl' }}>
            <Title order={2} mb={4}>
              Sign in
            </Title>
            <Text c="dimmed" size="sm" mb="lg">
              Welcome back. Use the email your company registered for you.
            </Text>

            {sessionEnded && (
              <Alert color="brand" icon={<IconInfoCircle size={18} />} mb="md">
                Your session has ended. Please sign in again.
              </Alert>
            )}

            <form onSubmit={submit} noValidate aria-label="Sign in">
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
                />
                <PasswordInput
                  label="Password"
                  autoComplete="current-password"
                  value={password}
                  onChange={(event) => {
                    setPassword(event.currentTarget.value);
                    errors.clearField('password');
                  }}
                  error={errors.fieldErrors.password}
                  required
                />
                <Group justify="flex-end" mt={-8}>
                  <Anchor component={Link} to="/forgot-password" size="sm">
                    Forgot password?
                  </Anchor>
                </Group>
                <Button type="submit" fullWidth size="md" loading={login.isPending}>
                  Sign in
                </Button>

                {throttledFor !== null && (
                  <Alert color="orange" icon={<IconClockHour4 size={18} />} role="alert" data-testid="login-error">
                    {throttledFor > 0 ? throttleMessage(throttledFor) : 'You can try again now.'}
                  </Alert>
                )}
                {throttledFor === null && errors.formError && (
                  <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert" data-testid="login-error">
                    {errors.formError}
                  </Alert>
                )}
              </Stack>
            </form>
          </Paper>

          <Text c="dimmed" size="xs" ta="center" mt="lg">
            Still locked out? Your company administrator can give you a reset link.
          </Text>
        </Box>
      </main>
    </div>
  );
}
