import { Center, Loader } from '@mantine/core';
import { Fragment, type ReactNode } from 'react';
import { useMe } from '../features/auth/session';
import { useMyAvailability } from '../features/profile/profile.queries';
import { configureFormat } from '../lib/format';
import { browserTimeZone, isTimeZone } from '../lib/time';

/**
 * Sets the one formatting module to the signed-in user's zone and the company's locale and currency before
 * anything renders a date or an amount. The zone is the user's own (their availability's, else the company's):
 * the zone the server counts their "today" in. A change of zone remounts the app so every page reads it anew.
 */
export function FormatScope({ children }: { children: ReactNode }) {
  const me = useMe();
  const availability = useMyAvailability();
  if (availability.isPending) {
    return (
      <Center h="100dvh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  const wanted = availability.data?.effectiveTimezone ?? me.company.timezone;
  const timeZone = isTimeZone(wanted) ? wanted : browserTimeZone();
  configureFormat({ timeZone, locale: me.company.locale, currency: me.company.currency });
  return <Fragment key={`${timeZone}|${me.company.locale}|${me.company.currency}`}>{children}</Fragment>;
}
