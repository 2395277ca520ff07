import type { Tx } from '../../db/client.ts';
import * as repo from './assignment.repository.ts';
import { type LocalTime, localTime, weekdayNames } from './local-time.ts';

/** What the engine knows of one candidate now: who it is, its load, and why it cannot take a lead (or null). */
export interface Assessed {
  userId: string;
  name: string;
  managerId: string | null;
  openLeads: number;
  ineligible: string | null;
}

const hhmm = (time: string | null) => (time ? time.slice(0, 5) : null);

/**
 * Checks each candidate, in this order: active; a salesperson; not on leave; a working day; inside working
 * hours; under its daily cap; under its open-lead cap. Days, hours and "today" are the candidate's own, in its
 * time zone (else the company's). A user with no availability settings is always available.
 */
export async function assessCandidates(trx: Tx, userIds: string[], now: Date): Promise<Map<string, Assessed>> {
  const ids = [...new Set(userIds)];
  const [users, settings, companyZone, open] = await Promise.all([
    repo.usersByIds(trx, ids),
    repo.availabilityOf(trx, ids),
    repo.companyTimezone(trx),
    repo.openLeadCounts(trx, ids),
  ]);
  const settingsOf = new Map(settings.map((s) => [s.user_id, s]));
  const local = new Map<string, LocalTime & { zone: string }>();
  for (const id of ids) {
    const zone = settingsOf.get(id)?.timezone ?? companyZone;
    local.set(id, { ...localTime(now, zone), zone });
  }
  const dates = [...local.values()].map((l) => l.date).sort();
  const leaves = await repo.leavesAround(trx, ids, dates[0] ?? '1970-01-01', dates.at(-1) ?? '1970-01-01');
  const capped = ids.filter((id) => settingsOf.get(id)?.daily_cap != null);
  const today = await repo.assignmentsSince(
    trx,
    capped.map((id) => ({ userId: id, from: local.get(id)?.dayStart ?? now })),
    now,
  );

  const result = new Map<string, Assessed>();
  for (const id of ids) {
    const user = users.find((u) => u.id === id);
    const at = local.get(id);
    const s = settingsOf.get(id);
    const openLeads = open.get(id) ?? 0;
    let ineligible: string | null = null;
    if (!user || !at) ineligible = 'not a user of this company';
    else if (!user.active) ineligible = 'inactive';
    else if (user.role !== 'SALESPERSON') ineligible = `not a salesperson (now ${user.role.toLowerCase()})`;
    else {
      const onLeave = leaves
        .filter((l) => l.user_id === id && l.starts_on <= at.date && l.ends_on >= at.date)
        .map((l) => l.ends_on)
        .sort()
        .at(-1);
      if (onLeave) ineligible = `on leave until ${onLeave}`;
      else if (s && !s.working_days.includes(at.weekday)) {
        ineligible = `not a working day (${weekdayNames[at.weekday]} in ${at.zone})`;
      } else if (s && !insideHours(at.time, hhmm(s.work_start), hhmm(s.work_end))) {
        ineligible = `outside working hours (${hhmm(s.work_start) ?? '00:00'}–${hhmm(s.work_end) ?? '24:00'} ${at.zone})`;
      } else if (s?.daily_cap != null && (today.get(id) ?? 0) >= s.daily_cap) {
        ineligible = `daily cap ${s.daily_cap} reached`;
      } else if (s?.open_cap != null && openLeads >= s.open_cap) {
        ineligible = `open-lead cap ${s.open_cap} reached`;
      }
    }
    result.set(id, {
      userId: id,
      name: user?.name ?? 'Unknown user',
      managerId: user?.manager_id ?? null,
      openLeads,
      ineligible,
    });
  }
  return result;
}

/** Start inclusive, end exclusive; a shift past midnight (22:00–06:00) wraps; a missing end means any time. */
export function insideHours(time: string, start: string | null, end: string | null): boolean {
  const from = start ?? '00:00';
  const to = end ?? '24:00';
  if (from <= to) return time >= from && time < to;
  return time >= from || time < to;
}
