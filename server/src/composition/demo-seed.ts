import { type Database, withTenant } from '../db/client.ts';
import type { RequestContext } from '../http/context.ts';
import { type Clock, systemClock } from '../lib/clock.ts';
import { newId } from '../lib/ids.ts';
import { seedDemoActivities } from '../modules/activities/index.ts';
import { recordAudit } from '../modules/audit/index.ts';
import { hashPassword } from '../modules/auth/index.ts';
import { createCompany, seedDemoLeads } from '../modules/companies/index.ts';
import { seedDemoDuplicates } from '../modules/duplicates/index.ts';
import { seedDemoEmails } from '../modules/email/index.ts';
import { insertPartner } from '../modules/partners/index.ts';
import { insertUser, type Role } from '../modules/users/index.ts';
import { seedDemoWhatsapp } from '../modules/whatsapp/index.ts';

export const DEMO_PASSWORD = 'demo-password';

interface DemoUser {
  key: string;
  email: string;
  name: string;
  role: Role;
  manager?: string;
}

/** Demo Co's people: the whole hierarchy, every role, realistic names. */
const demoPeople: DemoUser[] = [
  { key: 'manager1', email: 'manager1@demo.test', name: 'Vikram Mehta', role: 'MANAGER' },
  { key: 'manager2', email: 'manager2@demo.test', name: 'Ananya Iyer', role: 'MANAGER' },
  { key: 'sales1', email: 'sales1@demo.test', name: 'Rohan Gupta', role: 'SALESPERSON', manager: 'manager1' },
  { key: 'sales2', email: 'sales2@demo.test', name: 'Sneha Patil', role: 'SALESPERSON', manager: 'manager1' },
  { key: 'sales3', email: 'sales3@demo.test', name: 'Arjun Nair', role: 'SALESPERSON', manager: 'manager2' },
  { key: 'sales4', email: 'sales4@demo.test', name: 'Kavya Reddy', role: 'SALESPERSON', manager: 'manager2' },
  { key: 'warrior1', email: 'warrior1@demo.test', name: 'Aditya Kulkarni', role: 'WARRIOR', manager: 'sales1' },
  { key: 'warrior2', email: 'warrior2@demo.test', name: 'Meera Joshi', role: 'WARRIOR', manager: 'sales1' },
  { key: 'warrior3', email: 'warrior3@demo.test', name: 'Karan Malhotra', role: 'WARRIOR', manager: 'sales2' },
  { key: 'warrior4', email: 'warrior4@demo.test', name: 'Divya Menon', role: 'WARRIOR', manager: 'sales3' },
  { key: 'warrior5', email: 'warrior5@demo.test', name: 'Siddharth Rao', role: 'WARRIOR', manager: 'sales4' },
  { key: 'warrior6', email: 'warrior6@demo.test', name: 'Pooja Desai', role: 'WARRIOR', manager: 'sales4' },
  { key: 'cosales', email: 'cosales@demo.test', name: 'Nikhil Verma', role: 'COSALES', manager: 'manager1' },
  { key: 'success', email: 'success@demo.test', name: 'Lakshmi Krishnan', role: 'CUSTOMER_SUCCESS' },
  { key: 'partner', email: 'partner@demo.test', name: 'Rahul Bansal', role: 'PARTNER' },
  { key: 'integration', email: 'integration@demo.test', name: 'Tally Sync Service', role: 'INTEGRATION' },
  { key: 'dev', email: 'dev@demo.test', name: 'Farhan Qureshi', role: 'DEV' },
  { key: 'guest', email: 'guest@demo.test', name: 'Isha Kapoor', role: 'GUEST' },
];

/** Demo Co's channel partner: partner@demo.test belongs to it. */
const demoPartner = {
  name: 'Sunrise Channel Partners',
  contact_name: 'Rahul Bansal',
  contact_email: 'rahul@sunrise-partners.example',
  contact_phone: '+919822012345',
  territories: ['Maharashtra', 'Goa'],
};

export const demoLogins = ['admin@demo.test', ...demoPeople.map((p) => p.email), 'admin@other.test'];

export async function demoSeeded(db: Database): Promise<boolean> {
  const row = await db
    .selectFrom('user_directory')
    .select('user_id')
    .where('email', '=', 'admin@demo.test')
    .executeTakeFirst();
  return row !== undefined;
}

export async function isEmpty(db: Database): Promise<boolean> {
  const row = await db.selectFrom('user_directory').select('user_id').limit(1).executeTakeFirst();
  return row === undefined;
}

/** Demo Co (India) with its whole team, and Other Co (United States) with its admin, to show isolation. */
export async function seedDemo(
  db: Database,
  clock: Clock = systemClock,
): Promise<{ demoCompanyId: string; otherCompanyId: string } | null> {
  if (await demoSeeded(db)) return null;
  const demo = await createCompany(db, {
    name: 'Demo Co',
    slug: 'demo',
    timezone: 'Asia/Kolkata',
    currency: 'INR',
    locale: 'en-IN',
    phoneCountry: 'IN',
    adminEmail: 'admin@demo.test',
    adminName: 'Priya Raman',
    adminPassword: DEMO_PASSWORD,
  });
  const hashes = await Promise.all(demoPeople.map(() => hashPassword(DEMO_PASSWORD)));
  await withTenant(db, demo.companyId, async (trx) => {
    // The team was set up by the admin: the audit log shows it, as it would for a real company.
    const byAdmin: RequestContext = {
      actor: {
        userId: demo.adminId,
        companyId: demo.companyId,
        role: 'ADMIN',
        name: 'Priya Raman',
        email: 'admin@demo.test',
        managerId: null,
        sessionId: null,
        apiKeyId: null,
      },
      requestId: 'demo-seed',
      ip: '127.0.0.1',
      userAgent: null,
    };
    const partnerId = newId();
    await insertPartner(trx, { ...demoPartner, company_id: demo.companyId, id: partnerId });
    await recordAudit(trx, byAdmin, {
      action: 'partner.created',
      entityType: 'partner',
      entityId: partnerId,
      after: {
        name: demoPartner.name,
        contactName: demoPartner.contact_name,
        contactEmail: demoPartner.contact_email,
        contactPhone: demoPartner.contact_phone,
        territories: demoPartner.territories,
        active: true,
      },
    });
    const ids = new Map<string, string>();
    for (const [index, person] of demoPeople.entries()) {
      const personPartnerId = person.role === 'PARTNER' ? partnerId : null;
      const id = newId();
      ids.set(person.key, id);
      await insertUser(trx, {
        companyId: demo.companyId,
        id,
        email: person.email,
        name: person.name,
        role: person.role,
        managerId: person.manager ? (ids.get(person.manager) ?? null) : null,
        partnerId: personPartnerId,
        passwordHash: hashes[index] ?? '',
      });
      await recordAudit(trx, byAdmin, {
        action: 'user.created',
        entityType: 'user',
        entityId: id,
        after: {
          name: person.name,
          email: person.email,
          role: person.role,
          managerId: person.manager ? (ids.get(person.manager) ?? null) : null,
          partnerId: personPartnerId,
          active: true,
        },
      });
    }
  });
  const other = await createCompany(db, {
    name: 'Other Co',
    slug: 'other',
    timezone: 'America/New_York',
    currency: 'USD',
    locale: 'en-US',
    phoneCountry: 'US',
    adminEmail: 'admin@other.test',
    adminName: 'Emily Carter',
    adminPassword: DEMO_PASSWORD,
  });
  // Last, once both companies and the whole team (with its partner organisation) exist.
  await seedDemoLeads(db, clock.now(), { demoCompanyId: demo.companyId, otherCompanyId: other.companyId });
  await seedDemoWhatsapp(db, demo.companyId, clock.now());
  await seedDemoActivities(db, demo.companyId, clock.now());
  await seedDemoEmails(db, demo.companyId, clock.now());
  await seedDemoDuplicates(db, demo.companyId, clock.now());
  return { demoCompanyId: demo.companyId, otherCompanyId: other.companyId };
}
