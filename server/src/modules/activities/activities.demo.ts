import type { Insertable } from 'kysely';
import { v7 } from 'uuid';
import { type Database, type Tx, withTenant } from '../../db/client.ts';
import type { Activities, Notifications } from '../../db/types.ts';
import { recordAudit } from '../audit/index.ts';
import { adminContext, DAY, Dice, HOUR, insertRows, istDate, MINUTE } from '../companies/index.ts';

/** Fixed, so every machine gets the same follow-ups (dated relative to the seed time). */
const SEED = 20_261_205;
const OPEN_STAGES = ['new', 'demo', 'proposal', 'trial'];
/**
 * sales3 and sales4 keep an empty inbox (their warriors' misses too): the demo's "new joiners", whose notification centre starts
 * clean (and the notification tests count what arrives there).
 */
const QUIET_INBOXES = new Set(['sales3', 'sales4']);

const followUpTitles = [
  ['call', 'Call {first} about the proposal'],
  ['call', 'Check if {first} got the pricing'],
  ['whatsapp', 'Send {first} the case study on WhatsApp'],
  ['demo', 'Product demo for {first}’s accounts team'],
  ['email', 'Email {first} the revised quote'],
  ['site_visit', 'Site visit at {company}'],
  ['call', 'Trial feedback call with {first}'],
] as const;
const doneOutcomes = [
  'Spoke to {first}; wants a demo for the whole team next week.',
  'Quote accepted in principle, waiting for the PO.',
  '{first} asked to call back after the month-end closing.',
  'Shared GST invoice format; they will confirm by Friday.',
];
const callOutcomes: [string, string][] = [
  ['connected', 'Discussed seats and annual billing; sending a revised quote.'],
  ['no_answer', 'No answer; left a WhatsApp message.'],
  ['connected', '{first} confirmed the trial is going well.'],
  ['busy', 'Line busy; try after 4 pm.'],
];

interface DemoLead {
  id: string;
  name: string;
  company_name: string | null;
  owner_id: string | null;
  warrior_ids: string[];
  created_at: Date;
}

/** A time of day (HH:MM) on the Indian calendar day `days` after the seed time's, as an instant. */
const istAt = (now: number, days: number, time: string) => Date.parse(`${istDate(now + days * DAY)}T${time}:00+05:30`);
const fill = (text: string, lead: DemoLead) =>
  text.replace('{first}', lead.name.split(' ')[0] ?? lead.name).replace('{company}', lead.company_name ?? lead.name);

/**
 * The activity a working team leaves behind, for each salesperson and warrior of Demo Co: follow-ups done
 * (with outcomes), one missed, some due today and some ahead, logged calls, a meeting, a cancelled one; and
 * the notifications they caused. No reminder jobs are queued: the demo's follow-ups get theirs once someone
 * reschedules them or changes their lead time, and the queue starts empty.
 */
export async function seedDemoActivities(db: Database, companyId: string, nowDate: Date): Promise<void> {
  await withTenant(db, companyId, (trx) => seedCompany(trx, companyId, nowDate.getTime()));
}

async function seedCompany(trx: Tx, companyId: string, now: number): Promise<void> {
  const users = await trx.selectFrom('users').select(['id', 'email', 'name', 'manager_id', 'role']).execute();
  const byKey = new Map(users.map((u) => [u.email.split('@')[0] ?? '', u]));
  const quiet = new Set([...QUIET_INBOXES].map((key) => byKey.get(key)?.id));
  const admin = byKey.get('admin');
  if (!admin) return;
  const leads: DemoLead[] = await trx
    .selectFrom('leads')
    .select(['id', 'name', 'company_name', 'owner_id', 'warrior_ids', 'created_at'])
    .where('stage', 'in', OPEN_STAGES)
    .where('deleted_at', 'is', null)
    .where('merged_into', 'is', null)
    .orderBy('created_at')
    .orderBy('name')
    .execute();
  const activities: Insertable<Activities>[] = [];
  const notifications: Insertable<Notifications>[] = [];
  const people = ['sales1', 'sales2', 'sales3', 'sales4', ...[1, 2, 3, 4, 5, 6].map((n) => `warrior${n}`)];

  for (const [index, key] of people.entries()) {
    const user = byKey.get(key);
    if (!user) continue;
    const mine = leads.filter((l) =>
      user.role === 'WARRIOR' ? l.warrior_ids.includes(user.id) : l.owner_id === user.id,
    );
    if (mine.length === 0) continue;
    const dice = Dice.for(SEED, index);
    const manager = user.manager_id ? users.find((u) => u.id === user.manager_id) : undefined;
    let turn = dice.int(0, mine.length - 1);
    const nextLead = () => mine[turn++ % mine.length] as DemoLead;
    const base = (lead: DemoLead, due: number, created: number) => ({
      company_id: companyId,
      lead_id: lead.id,
      assignee_id: user.id,
      due_at: new Date(due),
      created_by: user.id,
      created_at: new Date(Math.max(created, new Date(lead.created_at).getTime())),
      updated_at: new Date(Math.min(now, Math.max(due, created))),
    });
    const followUp = (lead: DemoLead) => {
      const [channel, title] = dice.pick(followUpTitles);
      return { type: 'follow_up', channel, title: fill(title, lead) };
    };
    const inbox = (userId: string, kind: string, title: string, body: string, lead: DemoLead, at: number) => {
      if (quiet.has(userId)) return;
      notifications.push({
        company_id: companyId,
        id: v7({ msecs: at }),
        user_id: userId,
        kind,
        title,
        body,
        lead_id: lead.id,
        read_at: at < now - 2 * DAY ? new Date(at + HOUR) : null,
        created_at: new Date(at),
      });
    };

    // Today's list: three follow-ups on the Indian calendar day of the seed, some perhaps already past.
    for (const time of dice.some(['10:30', '12:00', '15:30', '17:00'], 3).sort()) {
      const lead = nextLead();
      const due = istAt(now, 0, time);
      const reminded = due - 15 * MINUTE <= now;
      const item = followUp(lead);
      activities.push({
        ...base(lead, due, due - dice.int(1, 3) * DAY),
        id: v7(),
        ...item,
        status: 'open',
        reminded_at: reminded ? new Date(due - 15 * MINUTE) : null,
      });
      if (reminded) {
        const title = `Follow-up due at ${time}: ${item.title}`;
        inbox(user.id, 'activity.due', title, lead.name, lead, due - 15 * MINUTE);
      }
    }
    // Ahead: a follow-up tomorrow and a meeting later in the week, the meeting set up by the manager.
    const tomorrow = nextLead();
    activities.push({
      ...base(tomorrow, istAt(now, 1, '11:00'), now - 2 * HOUR),
      id: v7(),
      ...followUp(tomorrow),
      status: 'open',
    });
    const meetingLead = nextLead();
    const meetingAt = istAt(now, dice.int(2, 4), '15:00');
    const meetingBy = manager?.role === 'MANAGER' || manager?.role === 'SALESPERSON' ? manager : undefined;
    activities.push({
      ...base(meetingLead, meetingAt, now - 5 * HOUR),
      id: v7(),
      type: 'meeting',
      title: `Meeting with ${meetingLead.name}`,
      location: meetingLead.company_name ? `${meetingLead.company_name} office` : 'Client office',
      status: 'open',
      created_by: meetingBy?.id ?? user.id,
    });
    if (meetingBy) {
      const title = `${meetingBy.name} gave you a meeting on ${meetingLead.name}`;
      inbox(user.id, 'activity.assigned', title, `Meeting with ${meetingLead.name}`, meetingLead, now - 5 * HOUR);
    }
    // Missed: a follow-up two days ago nobody did; the assignee and its manager were told an hour later.
    const missedLead = nextLead();
    const missedDue = istAt(now, -2, '16:00');
    const missed = followUp(missedLead);
    activities.push({
      ...base(missedLead, missedDue, missedDue - 2 * DAY),
      id: v7(),
      ...missed,
      status: 'missed',
      missed_at: new Date(missedDue + HOUR),
      reminded_at: new Date(missedDue - 15 * MINUTE),
    });
    const missedBody = `${missedLead.name} · was due ${istDate(missedDue)} 16:00`;
    inbox(user.id, 'activity.missed', `Missed follow-up: ${missed.title}`, missedBody, missedLead, missedDue + HOUR);
    if (manager) {
      const title = `${user.name} missed a follow-up: ${missed.title}`;
      inbox(manager.id, 'activity.missed', title, missedBody, missedLead, missedDue + HOUR);
    }
    // History: follow-ups done with what came of them, logged calls, one cancelled, a note.
    for (let i = 0; i < 3; i++) {
      const lead = nextLead();
      const due = istAt(now, -dice.int(3, 20), dice.pick(['11:00', '14:30', '16:00']));
      const done = due + dice.int(0, 90) * MINUTE;
      activities.push({
        ...base(lead, due, due - dice.int(1, 4) * DAY),
        id: v7(),
        ...followUp(lead),
        status: 'done',
        outcome: fill(dice.pick(doneOutcomes), lead),
        completed_at: new Date(done),
        completed_by: user.id,
        reminded_at: new Date(due - 15 * MINUTE),
        updated_at: new Date(done),
      });
    }
    for (let i = 0; i < 2; i++) {
      const lead = nextLead();
      const at = istAt(now, -dice.int(1, 10), dice.pick(['10:15', '12:40', '17:20']));
      const [result, outcome] = dice.pick(callOutcomes);
      const connected = result === 'connected';
      activities.push({
        ...base(lead, at, at),
        id: v7(),
        type: 'call',
        title: `Call with ${lead.name}`,
        call_direction: dice.chance(0.8) ? 'out' : 'in',
        call_result: result,
        duration_seconds: connected ? dice.int(90, 900) : 0,
        outcome: fill(outcome, lead),
        status: 'done',
        completed_at: new Date(at),
        completed_by: user.id,
      });
    }
    const dropped = nextLead();
    const droppedDue = istAt(now, -dice.int(4, 12), '12:00');
    activities.push({
      ...base(dropped, droppedDue, droppedDue - 3 * DAY),
      id: v7(),
      ...followUp(dropped),
      status: 'cancelled',
      outcome: `${dropped.name.split(' ')[0]} is travelling; they will call us.`,
      cancelled_at: new Date(droppedDue - DAY),
      cancelled_by: user.id,
    });
    const noted = nextLead();
    const notedAt = now - dice.int(2, 30) * HOUR;
    activities.push({
      ...base(noted, notedAt, notedAt),
      id: v7(),
      type: 'note',
      title: `Note on ${noted.name}`,
      notes: fill('{first} prefers WhatsApp over calls during working hours.', noted),
      status: 'done',
      completed_at: new Date(notedAt),
      completed_by: user.id,
    });
  }

  await insertRows(trx, 'activities', activities);
  await insertRows(trx, 'notifications', notifications);
  const count = (status: string) => activities.filter((a) => a.status === status).length;
  await recordAudit(trx, adminContext({ adminId: admin.id, companyId }), {
    action: 'activity.demo_seeded',
    entityType: 'activity',
    entityId: null,
    after: {
      activities: activities.length,
      open: count('open'),
      done: count('done'),
      missed: count('missed'),
      cancelled: count('cancelled'),
      notifications: notifications.length,
    },
  });
}
