import { Button, Center, Loader, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { errorMessage } from '../../lib/problem';
import { MeContext, useMeQuery, useSignedIn } from './session';

/** Shows its children only to a signed-in user whose profile has loaded; otherwise the sign-in page. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const signedIn = useSignedIn();
  const location = useLocation();
  const me = useMeQuery(signedIn);

  if (!signedIn) {
    return <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}` }} />;
  }
  if (me.isPending) {
    return (
      <Center h="100dvh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (me.isError) {
    return (
      <Center h="100dvh" p="md">
        <Stack align="center" gap="sm" maw={420} ta="center">
          <Title order={2}>We could not load your account</Title>
          <Text c="dimmed">{errorMessage(me.error)}</Text>
          <Button onClick={() => me.refetch()}>Try again</Button>
        </Stack>
      </Center>
    );
  }
  return <MeContext value={me.data}>{children}</MeContext>;
}
