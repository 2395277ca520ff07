import {
  AppShell,
  Badge,
  Box,
  Burger,
  Divider,
  Group,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Outlet, useLocation } from 'react-router';
import { Brand, BrandMark } from '../../components/Brand';
import { useMe } from '../../features/auth/session';
import { NotificationBell } from '../../features/notifications/NotificationBell';
import { GlobalSearch } from '../../features/search/GlobalSearch';
import { roleLabel } from '../../features/users/roles';
import { isActivePath, visibleNavItems } from '../navigation';
import classes from './AppLayout.module.css';
import { UserMenu } from './UserMenu';

export function AppLayout() {
  const [navbarOpened, navbar] = useDisclosure(false);
  const me = useMe();
  const { pathname } = useLocation();
  const items = visibleNavItems(me.permissions);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 248, breakpoint: 'sm', collapsed: { mobile: !navbarOpened } }}
      padding={{ base: 'md', sm: 'lg', xl: 'xl' }}
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="sm" wrap="nowrap" miw={0}>
            <Burger
              opened={navbarOpened}
              onClick={navbar.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={navbarOpened ? 'Close navigation' : 'Open navigation'}
            />
            <UnstyledButton component={Link} to="/" aria-label="iPerform, go to dashboard">
              {/* On a phone the mark alone leaves room for the search box. */}
              <Box visibleFrom="sm">
                <Brand size="md" />
              </Box>
              <Box hiddenFrom="sm" display="flex">
                <BrandMark size={26} />
              </Box>
            </UnstyledButton>
            <Divider orientation="vertical" my={18} visibleFrom="sm" />
            <Text size="sm" fw={500} c="dimmed" truncate miw={0} data-testid="company-name" visibleFrom="sm">
              {me.company.name}
            </Text>
          </Group>
          <Group gap={6} wrap="nowrap">
            <GlobalSearch />
            <NotificationBell />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar
        p="sm"
        aria-label="Main navigation"
        className={classes.navbar}
        data-collapsed={!navbarOpened || undefined}
      >
        <AppShell.Section grow component={ScrollArea}>
          <Stack gap={4} component="nav">
            {items.map((item) => (
              <NavLink
                key={item.to}
                component={Link}
                to={item.to}
                label={item.label}
                leftSection={<item.icon size={19} stroke={1.7} />}
                active={isActivePath(pathname, item.to)}
                onClick={navbar.close}
                variant="light"
                fw={500}
                style={{ borderRadius: 'var(--mantine-radius-md)' }}
              />
            ))}
          </Stack>
        </AppShell.Section>
        <AppShell.Section>
          <Divider mb="sm" />
          <Stack gap={4} px="xs" pb="xs">
            <Text size="xs" c="dimmed" tt="uppercase" fw={600} style={{ letterSpacing: '0.04em' }}>
              Signed in to
            </Text>
            <Text size="sm" fw={600} truncate>
              {me.company.name}
            </Text>
            <Group gap={6}>
              <Badge size="sm" color="gray" variant="light">
                {roleLabel(me.user.role)}
              </Badge>
            </Group>
          </Stack>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main>
        <div style={{ maxWidth: 1240, margin: '0 auto' }}>
          <Outlet />
        </div>
      </AppShell.Main>
    </AppShell>
  );
}
