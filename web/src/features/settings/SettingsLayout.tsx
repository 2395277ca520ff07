import { NavLink } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { Link, Navigate, Outlet, useLocation } from 'react-router';
import { PageHeader } from '../../components/PageHeader';
import { ForbiddenPage } from '../../components/StatusPages';
import { useMe } from '../auth/session';
import classes from './SettingsLayout.module.css';
import { visibleSections } from './sections';

/** The settings shell: the sections the caller may manage, beside (or, on a phone, above) the open one. */
export function SettingsLayout() {
  const me = useMe();
  const { pathname } = useLocation();
  const sections = visibleSections(me.permissions);
  const activeRef = useRef<HTMLAnchorElement>(null);
  const active = sections.find((section) => pathname.startsWith(`/settings/${section.path}`));

  // On a phone the chip row scrolls sideways: keep the open section's chip in view.
  useEffect(() => {
    if (active) activeRef.current?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [active]);

  if (sections.length === 0) return <ForbiddenPage />;

  return (
    <>
      <PageHeader
        title="Settings"
        description={`How leads are staged, recorded, routed and contacted at ${me.company.name}.`}
      />
      <div className={classes.layout}>
        <nav className={classes.nav} aria-label="Settings sections">
          {sections.map((section) => {
            const isActive = section === active;
            return (
              <NavLink
                key={section.path}
                ref={isActive ? activeRef : undefined}
                component={Link}
                to={`/settings/${section.path}`}
                label={section.label}
                leftSection={<section.icon size={18} stroke={1.7} />}
                active={isActive}
                aria-current={isActive ? 'page' : undefined}
                variant="light"
                fw={500}
                className={classes.link}
              />
            );
          })}
        </nav>
        <div className={classes.content}>
          <Outlet />
        </div>
      </div>
    </>
  );
}

/** /settings alone opens the first section the caller may manage. */
export function SettingsIndex() {
  const me = useMe();
  const first = visibleSections(me.permissions)[0];
  return first ? <Navigate to={`/settings/${first.path}`} replace /> : <ForbiddenPage />;
}
