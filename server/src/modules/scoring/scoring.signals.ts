import type { Tx } from '../../db/client.ts';
import { activitySignals } from '../activities/index.ts';
import { emailSignals } from '../email/index.ts';
import { whatsappSignals } from '../whatsapp/index.ts';

/**
 * What a lead did and what was done with it, as instants (ms) per kind of signal, read from the activities, email
 * and WhatsApp modules. Rules count them in a window; the model counts them before its cut-off.
 */
export const signalKinds = [
  'activity_done',
  'call_logged',
  'meeting_held',
  'followup_done',
  'email_sent',
  'email_opened',
  'email_clicked',
  'whatsapp_replied',
  'touch',
] as const;
export type SignalKind = (typeof signalKinds)[number];
export type Signals = Record<SignalKind, number[]>;

const meetingChannels = new Set(['meeting', 'demo', 'site_visit']);

export function emptySignals(): Signals {
  return Object.fromEntries(signalKinds.map((k) => [k, []])) as unknown as Signals;
}

/** The signals of some leads up to an instant, each kind's instants in ascending order. */
export async function loadSignals(trx: Tx, leadIds: readonly string[], upTo: Date): Promise<Map<string, Signals>> {
  const out = new Map<string, Signals>(leadIds.map((id) => [id, emptySignals()]));
  const add = (leadId: string, kind: SignalKind, at: Date) => out.get(leadId)?.[kind].push(at.getTime());
  const [activities, emails, messages] = await Promise.all([
    activitySignals(trx, leadIds, upTo),
    emailSignals(trx, leadIds, upTo),
    whatsappSignals(trx, leadIds, upTo),
  ]);
  for (const a of activities) {
    add(a.leadId, 'touch', a.at);
    if (a.kind !== 'done' || a.type === 'note') continue;
    add(a.leadId, 'activity_done', a.at);
    if (a.type === 'call' || (a.type === 'follow_up' && a.channel === 'call')) add(a.leadId, 'call_logged', a.at);
    if (a.type === 'meeting' || (a.type === 'follow_up' && a.channel !== null && meetingChannels.has(a.channel))) {
      add(a.leadId, 'meeting_held', a.at);
    }
    if (a.type === 'follow_up') add(a.leadId, 'followup_done', a.at);
  }
  for (const e of emails) {
    if (e.kind === 'sent') {
      add(e.leadId, 'email_sent', e.at);
      add(e.leadId, 'touch', e.at);
    } else add(e.leadId, e.kind === 'opened' ? 'email_opened' : 'email_clicked', e.at);
  }
  for (const m of messages) {
    add(m.leadId, 'touch', m.at);
    if (m.kind === 'in') add(m.leadId, 'whatsapp_replied', m.at);
  }
  for (const signals of out.values()) for (const kind of signalKinds) signals[kind].sort((a, b) => a - b);
  return out;
}

/** How many signals of a kind fell in [from, to] (from null: since ever). */
export function countBetween(times: readonly number[], from: number | null, to: number): number {
  let n = 0;
  for (const t of times) if (t <= to && (from === null || t >= from)) n++;
  return n;
}

/** The last signal of a kind at or before an instant, or null. */
export function lastBefore(times: readonly number[], to: number): number | null {
  let last: number | null = null;
  for (const t of times) if (t <= to) last = t;
  return last;
}
