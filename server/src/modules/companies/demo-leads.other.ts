import type { Tx } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import { toE164 } from '../../lib/phone.ts';
import { DAY, type Dice, HOUR } from './demo-dice.ts';
import { usLeads, usTerritory } from './demo-leads.data.ts';
import { insertRows } from './demo-rows.ts';

const sources = ['import', 'manual', 'referral', 'import', 'manual', 'import', 'other', 'manual'] as const;

/**
 * Other Co's handful of American leads. It has no salespeople and no rules yet, so each lead waits unassigned,
 * as the product would leave it; two have already been closed as lost by its admin. Its audit log stays empty:
 * the isolation tests read it as the mark of a company nobody else has touched.
 */
export async function seedOtherCoLeads(trx: Tx, companyId: string, dice: Dice, nowDate: Date): Promise<void> {
  const now = nowDate.getTime();
  const admin = await trx
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'admin@other.test')
    .executeTakeFirstOrThrow();
  const leads = [];
  const history = [];
  const assignments = [];
  for (const [i, person] of usLeads.entries()) {
    const id = newId();
    const source = sources[i % sources.length] ?? 'manual';
    // Weekday afternoons in the US (14:00-22:00 UTC is 9-5 on the East Coast).
    const day = Math.floor((now - dice.between(1, 25) * DAY) / DAY) * DAY;
    const created = Math.min(day + dice.between(14, 22) * HOUR, now - HOUR);
    const lost = i === 2 || i === 5;
    const closedAt = created + dice.between(3, 9) * DAY;
    const stageAt = lost && closedAt < now ? closedAt : created;
    const stage = stageAt > created ? 'lost' : 'new';
    const [first = '', last = ''] = person.name.toLowerCase().split(' ');
    const domain = `${person.company
      .toLowerCase()
      .replace(/\b(llc|inc)\b/g, '')
      .replace(/[^a-z]/g, '')}.com`;
    leads.push({
      company_id: companyId,
      id,
      name: person.name,
      company_name: person.company,
      emails: [`${first}.${last}@${domain}`],
      phones: [usPhone(dice, person.phone)],
      source,
      campaign: source === 'import' ? 'Spring Webinar Attendees' : null,
      product: dice.pick(['Starter plan', 'Team plan', 'Business plan']),
      city: person.city,
      state: person.state,
      country: 'United States',
      territory: usTerritory[person.state] ?? null,
      expected_value: Math.round(dice.between(5_000, 120_000) / 500) * 500,
      currency: 'USD',
      stage,
      lost_reason: stage === 'lost' ? dice.pick(['No response after several follow-ups', 'Budget constraints']) : null,
      created_by: admin.id,
      created_via: source === 'import' ? 'import' : 'ui',
      created_at: new Date(created),
      updated_at: new Date(stageAt),
      stage_changed_at: new Date(stageAt),
      last_touched_at: new Date(stageAt),
      version: stage === 'new' ? 1 : 2,
    });
    history.push({
      company_id: companyId,
      id: newId(),
      lead_id: id,
      from_stage: null,
      to_stage: 'new',
      by_user_id: admin.id,
      at: new Date(created),
      seconds_in_previous: null,
    });
    if (stage === 'lost') {
      history.push({
        company_id: companyId,
        id: newId(),
        lead_id: id,
        from_stage: 'new',
        to_stage: 'lost',
        by_user_id: admin.id,
        at: new Date(stageAt),
        seconds_in_previous: Math.round((stageAt - created) / 1000),
      });
    }
    assignments.push({
      company_id: companyId,
      id: newId(),
      lead_id: id,
      at: new Date(created),
      by_user_id: null,
      channel: source === 'import' ? 'import' : 'ui',
      reason: 'unassigned',
      detail: 'No assignment rule matched and there is no default rule: the lead is unassigned',
    });
  }
  await insertRows(trx, 'leads', leads);
  await insertRows(trx, 'lead_stage_history', history);
  await insertRows(trx, 'lead_assignments', assignments);
}

/** A US number in the lead's own area code that the numbering plan accepts. */
function usPhone(dice: Dice, areaCode: string): string {
  for (;;) {
    const number = `+1${areaCode}${dice.int(2, 9)}${String(dice.int(0, 999_999)).padStart(6, '0')}`;
    if (toE164(number, 'US') === number) return number;
  }
}
