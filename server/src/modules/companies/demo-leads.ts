import { sql } from 'kysely';
import { type Database, type Tx, withTenant } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { DAY, Dice, istDate, istWeekday } from './demo-dice.ts';
import { indianPlaces, products } from './demo-leads.data.ts';
import { Drafter } from './demo-leads.draft.ts';
import { seedOtherCoLeads } from './demo-leads.other.ts';
import { type DemoRule, type DemoTeam, planLeads } from './demo-leads.plan.ts';
import { adminContext, insertRows } from './demo-rows.ts';

/** The partner organisation the demo's partner user belongs to; looked up by name, made if missing. */
export const DEMO_PARTNER_NAME = 'Sunrise Channel Partners';
export const DEMO_LEAD_COUNT = 500;
const PARTNER_LEADS = 40;
const UNASSIGNED_LEADS = 6;
/** Fixed, so every machine gets the same people, companies and journeys (dated relative to "now"). */
const SEED = 20_261_121;

/**
 * A living pipeline for the demo companies: about 500 leads of Demo Co at every stage with six months of
 * history, the why of each assignment, notes, assignment rules, a web form and availability; and a handful of
 * Other Co's. Rows go in as multi-row inserts: it runs at the first start and for every test database template.
 */
export async function seedDemoLeads(
  db: Database,
  now: Date,
  companies: { demoCompanyId: string; otherCompanyId: string },
): Promise<void> {
  await withTenant(db, companies.demoCompanyId, (trx) => seedDemoCo(trx, companies.demoCompanyId, now));
  await withTenant(db, companies.otherCompanyId, (trx) =>
    seedOtherCoLeads(trx, companies.otherCompanyId, new Dice(SEED + 1), now),
  );
}

async function seedDemoCo(trx: Tx, companyId: string, nowDate: Date): Promise<void> {
  const now = nowDate.getTime();
  const team = await loadTeam(trx, companyId, nowDate);
  const partner = await trx
    .selectFrom('partners')
    .select('territories')
    .where('id', '=', team.partnerId)
    .executeTakeFirstOrThrow();
  const partnerPlaces = indianPlaces.filter((p) => partner.territories.includes(p.state));

  const rules = await insertRules(trx, team, now - 182 * DAY);
  await insertFormAndAvailability(trx, team, now);

  const drafter = new Drafter(SEED, now);
  const drafts = [];
  for (let i = 0; i < PARTNER_LEADS; i++) {
    // One in four came through the partner's own customers rather than its sales team.
    const referral = i % 4 === 3;
    drafts.push(
      drafter.draft({
        places: partnerPlaces.length > 0 ? partnerPlaces : undefined,
        source: referral ? 'referral' : 'partner',
        campaign: 'Sunrise Referral Programme',
        partner: true,
      }),
    );
  }
  for (let i = 0; i < UNASSIGNED_LEADS; i++) {
    drafts.push(drafter.draft({ source: 'manual', campaign: 'Trade Expo Mumbai', unassigned: true }));
  }
  while (drafts.length < DEMO_LEAD_COUNT) drafts.push(drafter.draft());

  const rows = planLeads(drafts, team, rules, SEED + 2, now);
  await insertRows(trx, 'leads', rows.leads);
  await insertRows(trx, 'lead_stage_history', rows.history);
  await insertRows(trx, 'lead_assignments', rows.assignments);
  await insertRows(trx, 'lead_notes', rows.notes);
  for (const rule of rules.filter((r) => r.strategy === 'round_robin')) {
    await trx
      .updateTable('assignment_rules')
      .set({ state: JSON.stringify({ next: rule.next }) })
      .where('id', '=', rule.id)
      .execute();
  }

  const stages: Record<string, number> = {};
  for (const lead of rows.leads) stages[lead.stage] = (stages[lead.stage] ?? 0) + 1;
  await recordAudit(trx, adminContext(team), {
    action: 'lead.demo_seeded',
    entityType: 'lead',
    entityId: null,
    after: {
      leads: rows.leads.length,
      stages,
      stageMoves: rows.history.length,
      notes: rows.notes.length,
      rules: rules.map((r) => r.name),
    },
  });
}

/** Demo Co's people by their demo e-mail, and the partner organisation (made here if the seed has none). */
async function loadTeam(trx: Tx, companyId: string, now: Date): Promise<DemoTeam> {
  const users = await trx.selectFrom('users').select(['id', 'email', 'name', 'manager_id', 'partner_id']).execute();
  const byKey = new Map(users.map((u) => [u.email.split('@')[0] ?? '', u]));
  const idOf = (key: string) => {
    const user = byKey.get(key);
    if (!user) throw new Error(`demo leads: no user ${key}@demo.test`);
    return user.id;
  };
  const sales = ['sales1', 'sales2', 'sales3', 'sales4'].map(idOf);
  const warriors = ['warrior1', 'warrior2', 'warrior3', 'warrior4', 'warrior5', 'warrior6'].map((k) => byKey.get(k));
  const partnerUser = byKey.get('partner');
  let partnerId = partnerUser?.partner_id ?? null;
  if (!partnerId) {
    const found = await trx
      .selectFrom('partners')
      .select('id')
      .where(sql<string>`lower(name)`, '=', DEMO_PARTNER_NAME.toLowerCase())
      .executeTakeFirst();
    partnerId = found?.id ?? newId();
    if (!found) {
      await trx
        .insertInto('partners')
        .values({
          company_id: companyId,
          id: partnerId,
          name: DEMO_PARTNER_NAME,
          contact_name: partnerUser?.name ?? null,
          contact_email: partnerUser?.email ?? null,
          territories: ['Maharashtra', 'Goa'],
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    await trx.updateTable('users').set({ partner_id: partnerId }).where('id', '=', idOf('partner')).execute();
  }
  return {
    companyId,
    adminId: idOf('admin'),
    sales,
    managerOf: new Map(sales.map((s) => [s, users.find((u) => u.id === s)?.manager_id ?? idOf('admin')])),
    warriorsOf: new Map(
      sales.map((s) => [s, warriors.filter((w) => w !== undefined && w.manager_id === s).map((w) => w?.id ?? '')]),
    ),
    cosalesId: idOf('cosales'),
    partnerUserId: idOf('partner'),
    integrationId: idOf('integration'),
    partnerId,
    names: new Map(users.map((u) => [u.id, u.name])),
    ids: new Map([...byKey].map(([key, u]) => [key, u.id])),
  };
}

/**
 * Three rules in the assignment module's condition format: the west coast to the Maharashtra team with a
 * 30-minute response SLA, big deals to whoever has the fewest open leads, everyone else in turn.
 */
async function insertRules(trx: Tx, team: DemoTeam, created: number): Promise<DemoRule[]> {
  const [sales1 = '', sales2 = ''] = team.sales;
  const westStates = ['Maharashtra', 'Goa'];
  const rules: (DemoRule & { conditions: unknown[] })[] = [
    {
      id: newId(),
      name: 'Maharashtra & Goa leads',
      isDefault: false,
      conditions: [{ field: 'state', op: 'in', values: westStates }],
      strategy: 'round_robin',
      userIds: [sales1, sales2],
      slaMinutes: 30,
      catches: (lead) => westStates.includes(lead.state),
      next: 0,
    },
    {
      id: newId(),
      name: 'High value',
      isDefault: false,
      conditions: [{ field: 'expectedValue', op: 'range', min: 1_000_000 }],
      strategy: 'least_loaded',
      userIds: team.sales,
      slaMinutes: 60,
      catches: (lead) => (lead.expectedValue ?? 0) >= 1_000_000,
      next: 0,
    },
    {
      id: newId(),
      name: 'Everyone else',
      isDefault: true,
      conditions: [],
      strategy: 'round_robin',
      userIds: team.sales,
      slaMinutes: null,
      catches: () => true,
      next: 0,
    },
  ];
  await insertRows(
    trx,
    'assignment_rules',
    rules.map((r, position) => ({
      company_id: team.companyId,
      id: r.id,
      name: r.name,
      position,
      is_default: r.isDefault,
      conditions: JSON.stringify(r.conditions),
      strategy: r.strategy,
      user_ids: r.userIds,
      sla_minutes: r.slaMinutes,
      created_at: new Date(created),
      updated_at: new Date(created),
    })),
  );
  return rules;
}

/** The website's enquiry form, and the field team's working hours with one leave coming up. */
async function insertFormAndAvailability(trx: Tx, team: DemoTeam, now: number): Promise<void> {
  const formId = newId();
  const created = new Date(now - 175 * DAY);
  const field = (name: string, label: string, type: string, mapsTo: string, required: boolean) => ({
    name,
    label,
    type,
    required,
    mapsTo,
  });
  await trx
    .insertInto('web_forms')
    .values({
      company_id: team.companyId,
      id: formId,
      name: 'Website enquiry',
      fields: JSON.stringify([
        field('name', 'Your name', 'text', 'name', true),
        field('email', 'Work e-mail', 'email', 'email', false),
        field('phone', 'Mobile number', 'phone', 'phone', true),
        field('city', 'City', 'text', 'city', false),
        { ...field('product', 'Interested in', 'select', 'product', false), options: products.map((p) => p.name) },
      ]),
      source: 'web_form',
      campaign: 'Website enquiry',
      thank_you: 'Thank you! Our team will call you within one working day.',
      created_by: team.adminId,
      created_at: created,
      updated_at: created,
    })
    .execute();
  await trx.insertInto('form_directory').values({ form_id: formId, company_id: team.companyId }).execute();

  // Only the field team keeps office hours here: salespeople take rule-routed leads at any hour, so a lead
  // created in a test or at night is routed the same way whatever the time of day.
  const fieldTeam = [...team.warriorsOf.values()].flat();
  await insertRows(
    trx,
    'user_availability',
    fieldTeam.map((userId) => ({
      company_id: team.companyId,
      user_id: userId,
      timezone: 'Asia/Kolkata',
      working_days: [1, 2, 3, 4, 5, 6],
      work_start: '09:30',
      work_end: '18:30',
      updated_at: new Date(now - 120 * DAY),
    })),
  );
  const untilMonday = ((8 - istWeekday(now)) % 7 || 7) * DAY;
  const warrior6 = team.ids.get('warrior6');
  if (warrior6) {
    await trx
      .insertInto('user_leaves')
      .values({
        company_id: team.companyId,
        id: newId(),
        user_id: warrior6,
        starts_on: istDate(now + untilMonday),
        ends_on: istDate(now + untilMonday + 2 * DAY),
        reason: 'Family wedding in Nagpur',
        created_at: new Date(now - 3 * DAY),
      })
      .execute();
  }
}
