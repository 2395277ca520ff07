import { Button, Center, EmptyState } from '@mantine/core';
import { IconLock, IconMapSearch } from '@tabler/icons-react';
import { Link } from 'react-router';

export function ForbiddenPage() {
  return (
    <Center py={80}>
      <EmptyState
        icon={<IconLock size={28} />}
        title="You do not have access to this page"
        description="Your role does not include this part of iPerform. Ask an administrator if you need it."
      >
        <Button component={Link} to="/" variant="light" mt="md">
          Back to dashboard
        </Button>
      </EmptyState>
    </Center>
  );
}

export function NotFoundPage() {
  return (
    <Center py={80}>
      <EmptyState
        icon={<IconMapSearch size={28} />}
        title="Page not found"
        description="The address may be mistyped, or the page has moved."
      >
        <Button component={Link} to="/" variant="light" mt="md">
          Back to dashboard
        </Button>
      </EmptyState>
    </Center>
  );
}
