import { type Database, type Tx, withTenant } from '../../db/client.ts';
import { scanStep, startScan } from './duplicates.scan.ts';

type DemoLead = { id: string; name: string; company_name: string | null; emails: string[]; phones: string[] };

/**
 * A few leads of the demo entered twice, as happens in real life, so the review queue has something to show
 * after the first start: the same person through two channels (same e-mail, same phone), and a name typed
 * slightly differently at the same company. One pair is all sales1's, so a salesperson sees a group too.
 * Then the first scan runs, at once.
 */
export async function seedDemoDuplicates(db: Database, companyId: string, now: Date): Promise<void> {
  await withTenant(db, companyId, async (trx) => {
    const sales1 = await trx
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'sales1@demo.test')
      .executeTakeFirst();
    const open = await trx
      .selectFrom('leads')
      .select(['id', 'name', 'company_name', 'emails', 'phones', 'owner_id'])
      .where('stage', 'in', ['new', 'demo', 'proposal'])
      .where('owner_id', 'is not', null)
      .where('deleted_at', 'is', null)
      .where('merged_into', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('name')
      .execute();
    const usable = open.filter((l) => l.emails.length > 0 && l.phones.length > 0 && l.company_name);
    const mine = usable.filter((l) => l.owner_id === sales1?.id);
    const others = usable.filter((l) => l.owner_id !== sales1?.id);
    const pairs: [DemoLead | undefined, DemoLead | undefined, (a: DemoLead) => Partial<DemoLead>][] = [
      // The same person entered again by the same salesperson, from a business card.
      [mine[0], mine[1], (a) => ({ name: a.name, company_name: a.company_name, emails: [a.emails[0] as string] })],
      // Called in and wrote in: the same phone, the name as the caller gave it.
      [others[0], others[4], (a) => ({ name: a.name.toLowerCase(), phones: [a.phones[0] as string] })],
      // The same e-mail, another phone.
      [others[1], others[5], (a) => ({ name: a.name, company_name: a.company_name, emails: [a.emails[0] as string] })],
      // A typo in the name at the same company: found by the fuzzy name match alone.
      [others[2], others[6], (a) => ({ name: `${a.name}${a.name.at(-1)}`, company_name: a.company_name })],
      // Across two salespeople: each sees only its own half.
      [mine[2], others[7], (a) => ({ phones: [a.phones[0] as string] })],
    ];
    for (const [a, b, copy] of pairs) {
      if (a && b) await trx.updateTable('leads').set(copy(a)).where('id', '=', b.id).execute();
    }
    await scanNow(trx, companyId, now);
  });
}

async function scanNow(trx: Tx, companyId: string, now: Date): Promise<void> {
  const { scan } = await startScan(trx, { companyId, trigger: 'seed', by: null, now, inline: true });
  while (await scanStep(trx, companyId, scan.id, now)) {
    // each step compares the next chunk of leads
  }
}
