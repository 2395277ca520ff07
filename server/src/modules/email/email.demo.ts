import { sql } from 'kysely';
import { type Database, type Tx, withTenant } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import { DAY, Dice, HOUR, insertRows, MINUTE } from '../companies/index.ts';

import { htmlToText } from './email.render.ts';
import { messageIdFor } from './email.smtp.ts';

const SEED = 20_261_203;
const FROM = 'sales@democo.example';

/** Demo Co's templates: two for the whole company, one of sales1's own. */
const templates = [
  {
    name: 'Introduction',
    scope: 'company',
    subject: '{{ company.name }} — following up on your enquiry, {{ lead.firstName }}',
    html:
      '<p>Dear {{ lead.firstName }},</p><p>Thank you for your interest in {{ lead.product | default: "our products" }}. ' +
      'I look after customers in {{ lead.city | default: "your area" }} and would be glad to show you how teams like ' +
      '{{ lead.companyName | default: "yours" }} use it.</p><p><a href="https://democo.example/brochure">Our brochure</a> · ' +
      '<a href="https://democo.example/book-a-demo">Book a demo</a></p><p>Regards,<br>{{ sender.name }}<br>{{ company.name }}</p>',
  },
  {
    name: 'Proposal follow-up',
    scope: 'company',
    subject: 'Your proposal from {{ company.name }}',
    html:
      '<p>Hello {{ lead.firstName }},</p><p>I hope you had a chance to look at the proposal. Happy to walk your team ' +
      'through it or adjust the plan.</p><p><a href="https://democo.example/pricing">Plans and pricing</a></p>' +
      '<p>{{ sender.name }} · {{ sender.phone }}</p>',
  },
  {
    name: 'Quick check-in',
    scope: 'personal',
    subject: 'Quick check-in, {{ lead.firstName }}',
    html: '<p>Hi {{ lead.firstName }}, just checking in: is this a good week to talk?</p><p>{{ sender.name }}</p>',
  },
] as const;

interface DemoLead {
  id: string;
  name: string;
  email: string;
  company_name: string | null;
  product: string | null;
  owner_id: string;
  owner_name: string;
  owner_email: string;
  created_at: Date;
}

function rendered(template: (typeof templates)[number], lead: DemoLead, company: string) {
  const first = lead.name.split(' ')[0] ?? lead.name;
  const fill = (text: string) =>
    text
      .replace(/\{\{ lead\.firstName \}\}/g, first)
      .replace(/\{\{ lead\.product \| default: "(.*?)" \}\}/g, (_m, d: string) => lead.product ?? d)
      .replace(/\{\{ lead\.city \| default: "(.*?)" \}\}/g, (_m, d: string) => d)
      .replace(/\{\{ lead\.companyName \| default: "(.*?)" \}\}/g, (_m, d: string) => lead.company_name ?? d)
      .replace(/\{\{ sender\.name \}\}/g, lead.owner_name)
      .replace(/\{\{ sender\.phone \}\}/g, '')
      .replace(/\{\{ company\.name \}\}/g, company);
  const html = fill(template.html);
  const links = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1] as string);
  return { subject: fill(template.subject), html, text: htmlToText(html), links };
}

/**
 * The email history a sales team leaves behind: templates, and emails sent to Demo Co leads over the past
 * weeks, most opened, some clicked, one that failed. No SMTP server is configured, so sending from the demo
 * answers that an admin must set one up: the history is what was sent before.
 */
export async function seedDemoEmails(db: Database, companyId: string, now: Date): Promise<void> {
  await withTenant(db, companyId, async (trx) => {
    const company = await trx.selectFrom('companies').select('name').executeTakeFirstOrThrow();
    const users = await trx.selectFrom('users').select(['id', 'email', 'role']).execute();
    const idOf = (email: string) => users.find((u) => u.email === email)?.id ?? null;
    const templateIds = await insertTemplates(trx, companyId, idOf, now);
    const leads = await pickLeads(trx, now);
    const dice = new Dice(SEED);
    const messages = [];
    const events = [];
    for (const [index, lead] of leads.entries()) {
      const which = index % 5 === 4 ? 1 : index % 3 === 2 ? 2 : 0;
      const template = templates[which] as (typeof templates)[number];
      const age = now.getTime() - new Date(lead.created_at).getTime();
      // Half its age at most: every open and click below still lies in the past.
      const sentAt = new Date(new Date(lead.created_at).getTime() + Math.min(age / 2, dice.int(2, 96) * HOUR));
      const content = rendered(template, lead, company.name);
      const id = newId();
      const failed = index === 3;
      const opened = !failed && dice.chance(0.65);
      const clicked = opened && dice.chance(0.35);
      const opens = opened ? dice.int(1, 4) : 0;
      const firstOpen = new Date(sentAt.getTime() + dice.int(5, 600) * MINUTE);
      const clickAt = new Date(firstOpen.getTime() + dice.int(1, 20) * MINUTE);
      const clickedLink = clicked ? dice.int(0, content.links.length - 1) : -1;
      messages.push({
        company_id: companyId,
        id,
        purpose: 'lead',
        lead_id: lead.id,
        sender_id: lead.owner_id,
        from_name: lead.owner_name,
        from_address: FROM,
        reply_to: lead.owner_email,
        to_addresses: [lead.email],
        subject: content.subject,
        html: content.html,
        text: content.text,
        template_id: templateIds[which] ?? null,
        template_name: template.name,
        status: failed ? 'failed' : 'sent',
        attempts: failed ? 5 : 1,
        error_code: failed ? 'smtp_unreachable' : null,
        last_error: failed ? 'Could not reach the server: connect ETIMEDOUT 203.0.113.25:587' : null,
        last_reply: failed ? null : '250 2.0.0 OK queued',
        smtp_message_id: messageIdFor(id, FROM),
        track_opens: true,
        track_clicks: true,
        links: JSON.stringify(content.links.map((url, i) => ({ url, clicks: i === clickedLink ? 1 : 0 }))),
        open_count: opens,
        first_opened_at: opened ? firstOpen : null,
        last_opened_at: opened ? new Date(firstOpen.getTime() + (opens - 1) * 3 * HOUR) : null,
        click_count: clicked ? 1 : 0,
        first_clicked_at: clicked ? clickAt : null,
        last_clicked_at: clicked ? clickAt : null,
        created_at: sentAt,
        updated_at: sentAt,
        sent_at: failed ? null : new Date(sentAt.getTime() + 2000),
        failed_at: failed ? new Date(sentAt.getTime() + 43 * MINUTE) : null,
      });
      for (let n = 0; n < opens; n++) {
        const at = new Date(firstOpen.getTime() + n * 3 * HOUR);
        events.push({ company_id: companyId, id: newId(), message_id: id, kind: 'open', first: n === 0, at });
      }
      if (clicked) {
        const url = content.links[clickedLink] ?? null;
        events.push({
          company_id: companyId,
          id: newId(),
          message_id: id,
          kind: 'click',
          first: true,
          link_index: clickedLink,
          url,
          at: clickAt,
        });
      }
    }
    await insertRows(trx, 'email_messages', messages);
    await insertRows(trx, 'email_events', events);
  });
}

async function insertTemplates(trx: Tx, companyId: string, idOf: (email: string) => string | null, now: Date) {
  const ids: string[] = [];
  for (const [i, template] of templates.entries()) {
    const id = newId();
    ids.push(id);
    const author = template.scope === 'company' ? idOf('manager1@demo.test') : idOf('sales1@demo.test');
    const at = new Date(now.getTime() - (120 - i * 10) * DAY);
    await trx
      .insertInto('email_templates')
      .values({
        company_id: companyId,
        id,
        scope: template.scope,
        owner_id: template.scope === 'personal' ? author : null,
        name: template.name,
        subject: template.subject,
        html: template.html,
        text: null,
        created_by: author,
        updated_by: author,
        created_at: at,
        updated_at: at,
      })
      .execute();
  }
  return ids;
}

/** Live, open-stage leads with an address, of the four salespeople, seen a while ago: ten each. */
async function pickLeads(trx: Tx, now: Date): Promise<DemoLead[]> {
  const rows = await trx
    .selectFrom('leads as l')
    .innerJoin('users as u', (j) => j.onRef('u.company_id', '=', 'l.company_id').onRef('u.id', '=', 'l.owner_id'))
    .innerJoin('pipeline_stages as s', (j) =>
      j.onRef('s.company_id', '=', 'l.company_id').onRef('s.key', '=', 'l.stage'),
    )
    .select(['l.id', 'l.name', 'l.emails', 'l.company_name', 'l.product', 'l.owner_id', 'l.created_at'])
    .select(['u.name as owner_name', 'u.email as owner_email'])
    .where(sql<boolean>`cardinality(l.emails) > 0`)
    .where('l.deleted_at', 'is', null)
    .where('l.merged_into', 'is', null)
    .where('s.kind', '!=', 'lost')
    .where('l.created_at', '<', new Date(now.getTime() - 2 * DAY))
    .where('u.email', 'in', ['sales1@demo.test', 'sales2@demo.test', 'sales3@demo.test', 'sales4@demo.test'])
    .orderBy('l.created_at', 'desc')
    .orderBy('l.id')
    .execute();
  const perOwner = new Map<string, number>();
  const picked: DemoLead[] = [];
  for (const row of rows) {
    const count = perOwner.get(row.owner_email) ?? 0;
    if (count >= 10 || !row.owner_id || !row.emails[0]) continue;
    perOwner.set(row.owner_email, count + 1);
    picked.push({ ...row, owner_id: row.owner_id, email: row.emails[0], created_at: new Date(row.created_at) });
  }
  return picked;
}
