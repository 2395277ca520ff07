import { sql } from 'kysely';
import { type Database, withTenant } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import { insertRows } from '../companies/index.ts';
import { notify } from '../notifications/index.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

type Step =
  | { in: string; at: number; type?: string; content?: Record<string, unknown> }
  | { out: string; at: number; status: 'read' | 'delivered' | 'sent' | 'failed'; template?: string[] };

/** Conversations a sales team has on WhatsApp: times are before "now"; `template` is [name, ...params]. */
const threads: Step[][] = [
  [
    { out: '', template: ['enquiry_followup', '{first}', 'CRM Growth'], at: 50 * HOUR, status: 'read' },
    { in: 'Yes please, can you share the pricing for 25 users?', at: 49 * HOUR },
    {
      out: 'Sure {first}, sharing the price sheet now. Growth is ₹1,450/user/month billed yearly.',
      at: 48 * HOUR,
      status: 'read',
    },
    {
      in: 'Thanks. Our accounts team uses Tally, does it sync?',
      at: 47 * HOUR,
    },
    {
      out: 'It does: the Tally Integration add-on syncs invoices both ways. Shall we book a demo on Thursday?',
      at: 46 * HOUR,
      status: 'read',
    },
    { in: 'Thursday 4 pm works', at: 3 * HOUR },
  ],
  [
    { in: 'Hi, I saw your ad on Facebook. Is there a free trial?', at: 26 * HOUR },
    {
      out: 'Hello {first}! Yes, 14 days with all features. May I set it up for you today?',
      at: 25 * HOUR,
      status: 'delivered',
    },
    {
      in: '',
      at: 40 * MIN,
      type: 'image',
      content: { image: { mime_type: 'image/jpeg', caption: 'Our current lead register' } },
    },
  ],
  [
    { out: '', template: ['demo_reminder', '{first}', 'tomorrow 11:00'], at: 30 * HOUR, status: 'read' },
    { in: 'Confirmed, see you tomorrow', at: 29 * HOUR },
    { out: 'Thank you for the time today, {first}. The proposal is in your inbox.', at: 5 * HOUR, status: 'sent' },
  ],
  [{ out: 'Hi {first}, following up on the Field Sales App quote. Any questions?', at: 80 * HOUR, status: 'failed' }],
];

/**
 * A few WhatsApp threads on Demo Co leads, both ways, at every delivery status, so the timeline and the lead
 * page show a living conversation. The company is not connected (no settings): sending from the demo says so.
 */
export async function seedDemoWhatsapp(db: Database, companyId: string, now: Date): Promise<void> {
  await withTenant(db, companyId, async (trx) => {
    const leads = await trx
      .selectFrom('leads as l')
      .innerJoin('users as u', (j) => j.onRef('u.company_id', '=', 'l.company_id').onRef('u.id', '=', 'l.owner_id'))
      .select(['l.id', 'l.name', 'l.phones', 'l.owner_id', 'u.email'])
      .where(sql<boolean>`cardinality(l.phones) > 0`)
      .where('l.deleted_at', 'is', null)
      .where('l.merged_into', 'is', null)
      // Older than the oldest message of a thread (80 hours back), so no thread starts before its lead.
      .where('l.created_at', '<', new Date(now.getTime() - 4 * 24 * HOUR))
      .where('u.email', 'in', ['sales1@demo.test', 'sales2@demo.test', 'sales3@demo.test'])
      .orderBy('l.created_at', 'desc')
      .orderBy('l.id')
      .limit(60)
      .execute();
    // Two threads for sales1 (the demo's usual login), one each for two colleagues.
    const byOwner = (email: string, skip = 0) => leads.filter((l) => l.email === email)[skip];
    const picked = [
      byOwner('sales1@demo.test'),
      byOwner('sales1@demo.test', 1),
      byOwner('sales2@demo.test'),
      byOwner('sales3@demo.test'),
    ];
    const rows = [];
    for (const [index, steps] of threads.entries()) {
      const lead = picked[index];
      if (!lead?.owner_id) continue;
      const first = lead.name.split(' ')[0] ?? lead.name;
      const fill = (text: string) => text.replaceAll('{first}', first);
      for (const step of steps) {
        const at = new Date(now.getTime() - step.at);
        const base = {
          company_id: companyId,
          id: newId(),
          lead_id: lead.id,
          phone: lead.phones[0] as string,
          wamid: `wamid.demo.${newId()}`,
          at,
          created_at: at,
          updated_at: at,
        };
        if ('in' in step) {
          rows.push({
            ...base,
            direction: 'inbound',
            type: step.type ?? 'text',
            body: step.in ? step.in : ((step.content?.image as { caption?: string })?.caption ?? null),
            contact_name: lead.name,
            content: step.content ? JSON.stringify(step.content) : null,
            status: 'received',
          });
          continue;
        }
        const [name, ...params] = step.template ?? [];
        const after = (minutes: number) => new Date(at.getTime() + minutes * MIN);
        const reached = (s: string) =>
          ['sent', 'delivered', 'read'].indexOf(s) <= ['sent', 'delivered', 'read'].indexOf(step.status);
        rows.push({
          ...base,
          direction: 'outbound',
          type: name ? 'template' : 'text',
          body: name ? null : fill(step.out),
          template_name: name ?? null,
          template_language: name ? 'en_US' : null,
          template_params: params.map(fill),
          status: step.status,
          sent_by: lead.owner_id,
          attempts: 1,
          sent_at: after(0.1),
          delivered_at: step.status !== 'failed' && reached('delivered') ? after(1) : null,
          read_at: step.status === 'read' ? after(12) : null,
          failed_at: step.status === 'failed' ? after(2) : null,
          error_code: step.status === 'failed' ? 131047 : null,
          error_title: step.status === 'failed' ? 'Re-engagement message' : null,
          error_detail:
            step.status === 'failed'
              ? 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.'
              : null,
        });
      }
      const lastIn = [...steps].reverse().find((s) => 'in' in s);
      if (lastIn && lastIn.at < 6 * HOUR) {
        await notify(trx, {
          companyId,
          userId: lead.owner_id,
          kind: 'whatsapp_inbound',
          title: `WhatsApp from ${lead.name}`,
          body: 'in' in lastIn && lastIn.in ? lastIn.in : '[image]',
          leadId: lead.id,
          now: new Date(now.getTime() - lastIn.at),
        });
      }
    }
    await insertRows(trx, 'whatsapp_messages', rows);
  });
}
