/**
 * Fills Demo Co with generated leads for the data-scale benchmark: realistic names, companies, cities, Indian
 * mobile numbers, emails, stages, owners among the company's salespeople (with their warriors), partners,
 * co-sales, tags, values, close dates and custom field values. Generated in PostgreSQL itself (INSERT ...
 * SELECT over generate_series), so a million rows take a couple of minutes and no data crosses the wire.
 *
 *   DATABASE_URL=postgres://... node bench/leads-data.ts 1000000
 *
 * The secondary indexes of `leads` are dropped for the load and rebuilt after it, in the same transaction: a
 * failure leaves the table as it was. Demo Co must exist (`iperform seed`).
 */
import pg from 'pg';

const words = (text: string, separator = ' ') => text.split(separator);
const firstNames = words(
  'Aarav Aditi Aditya Akash Ananya Anand Anil Anita Anjali Ankit Arjun Arun Asha Ayesha Bhavna Chetan Deepa Deepak Dev Divya Farah Gaurav Geeta Harish Isha Ishaan Jaya Karan Kavya Kiran Krishna Lakshmi Mahesh Manish Meena Meera Mohan Nandini Naveen Neha Nikhil Nisha Pallavi Pooja Prakash Pranav Priya Rahul Rajesh Rakesh Ramesh Ravi Rekha Ritu Rohan Sachin Sameer Sanjay Sarita Shreya Siddharth Sneha Sunil Sunita Suresh Swati Tanvi Tarun Uma Varun Vijay Vikram Vinod Yash Zoya Imran Fatima Harpreet Gurpreet Joseph Mary Thomas',
);
const lastNames = words(
  'Agarwal Bansal Banerjee Bhat Chatterjee Chopra Das Desai Dutta Gill Gupta Iyer Iyengar Jain Joshi Kapoor Khan Khanna Kulkarni Kumar Malhotra Mehta Menon Mishra Nair Pandey Patel Patil Pillai Rao Reddy Saxena Sethi Shah Sharma Shetty Singh Sinha Srinivasan Thakur Trivedi Varghese Verma Yadav Qureshi Fernandes DSouza Mukherjee Ghosh Sandhu',
);
const companyWords = words(
  'Sunrise Lotus Ganga Himalaya Orbit Pioneer Trident Zenith Apex Vertex Shakti Kaveri Sahyadri Indus Nirmal Sagar Surya Vayu Agni Prithvi Crescent Meridian Evergreen Bluewave Silverline Goldcrest Keystone Harbor Summit Cedar',
);
const companySuffixes = words(
  'Textiles Pharma Infotech Motors Foods Exports Builders Logistics Traders Engineering Chemicals Solar Steel Retail Hospitality',
);
/** City, state, territory. */
const cities = words(
  'Mumbai:Maharashtra:West,Pune:Maharashtra:West,Nagpur:Maharashtra:Central,Ahmedabad:Gujarat:West,Surat:Gujarat:West,Delhi:Delhi:North,Gurugram:Haryana:North,Noida:Uttar Pradesh:North,Lucknow:Uttar Pradesh:North,Jaipur:Rajasthan:North,Chandigarh:Chandigarh:North,Bengaluru:Karnataka:South,Mysuru:Karnataka:South,Chennai:Tamil Nadu:South,Coimbatore:Tamil Nadu:South,Hyderabad:Telangana:South,Kochi:Kerala:South,Thiruvananthapuram:Kerala:South,Kolkata:West Bengal:East,Bhubaneswar:Odisha:East,Guwahati:Assam:East,Patna:Bihar:East,Indore:Madhya Pradesh:Central,Bhopal:Madhya Pradesh:Central,Visakhapatnam:Andhra Pradesh:South',
  ',',
).map((c) => c.split(':') as [string, string, string]);
const tags = words('hot warm cold enterprise smb repeat priority export government startup');
const campaigns = words(
  'Diwali Offer,Trade Fair Mumbai,Google Ads Q1,Google Ads Q2,LinkedIn Outreach,Webinar: GST,Dealer Meet,Newsletter,Referral Drive,Facebook Leads Spring',
  ',',
);
const products = words('ERP Basic,ERP Pro,CRM Suite,Payroll,Inventory,POS,Analytics,Support Plan', ',');
const lostReasons = words('Price too high,Went with a competitor,No budget this year,No response,Not a fit', ',');
const domains = words('gmail.com yahoo.co.in outlook.com rediffmail.com company.in');
const industries = words('Manufacturing,Retail,Healthcare,Education,Finance,IT Services,Logistics', ',');
const interests = words('Cloud,On-premise,Mobile app,Training,Integration,Reporting', ',');

/** Custom fields the generated leads carry values for; created when Demo Co does not have them yet. */
export const benchCustomFields = [
  { key: 'industry', label: 'Industry', type: 'select', options: industries },
  { key: 'employees', label: 'Employees', type: 'number', options: [] },
  { key: 'renewal_date', label: 'Renewal date', type: 'date', options: [] },
  { key: 'gst_registered', label: 'GST registered', type: 'boolean', options: [] },
  { key: 'interests', label: 'Interests', type: 'multi_select', options: interests },
] as const;

const text = (values: readonly string[]) => `ARRAY[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(',')}]`;

/** One batch: rows `from`..`to` of the series, every random pick made per row inside PostgreSQL. */
function batchSql(from: number, to: number): string {
  return `
WITH k AS (SELECT current_setting('app.company_id')::uuid AS cid),
c AS (
  -- The owner connection may bypass row-level security: every lookup names the company itself.
  SELECT k.cid, ${text(firstNames)} AS fn, ${text(lastNames)} AS ln, ${text(companyWords)} AS cw,
    ${text(companySuffixes)} AS cs, ${text(cities.map((c) => c[0]))} AS city, ${text(cities.map((c) => c[1]))} AS st,
    ${text(cities.map((c) => c[2]))} AS terr, ${text(tags)} AS tg, ${text(campaigns)} AS camp,
    ${text(products)} AS prod, ${text(lostReasons)} AS lost, ${text(domains)} AS dom,
    ${text(industries)} AS ind, ${text(interests)} AS intr,
    ARRAY['manual','import','api','web_form','facebook','whatsapp','partner','erp','referral','other'] AS src,
    (SELECT array_agg(id ORDER BY id) FROM users WHERE company_id = cid AND role = 'SALESPERSON' AND active) AS sales,
    (SELECT array_agg(id ORDER BY id) FROM users WHERE company_id = cid AND role = 'SALESPERSON' AND active
      AND email IN ('sales1@demo.test','sales2@demo.test','sales3@demo.test','sales4@demo.test')) AS demo_sales,
    (SELECT array_agg(id ORDER BY id) FROM users WHERE company_id = cid AND role = 'COSALES' AND active) AS cosales,
    (SELECT array_agg(id ORDER BY id) FROM partners WHERE company_id = cid AND active) AS partners,
    (SELECT array_agg(key ORDER BY position) FROM pipeline_stages WHERE company_id = cid AND kind = 'won') AS won,
    (SELECT array_agg(key ORDER BY position) FROM pipeline_stages WHERE company_id = cid AND kind = 'lost') AS lost_st,
    (SELECT array_agg(key ORDER BY position) FROM pipeline_stages WHERE company_id = cid AND kind = 'open') AS open_st
  FROM k
), r AS (
  SELECT i, random() AS r_owner, random() AS r_stage, random() AS r_val, random() AS r_mail, random() AS r_ph,
    random() AS r_w, random() AS r_co, random() AS r_p, random() AS r_tag, random() AS r_cf, random() AS r_close,
    1 + floor(random() * ${firstNames.length})::int AS fi, 1 + floor(random() * ${lastNames.length})::int AS li,
    1 + floor(random() * ${companyWords.length})::int AS cwi,
    1 + floor(random() * ${companySuffixes.length})::int AS csi, 1 + floor(random() * ${cities.length})::int AS ci,
    now() - (random() ^ 2) * interval '730 days' AS created,
    random() AS r_upd, random() AS r_src, random() AS r_camp, random() AS r_prod
  FROM generate_series(${from}, ${to}) AS g(i)
), x AS (
  SELECT r.*, c.*,
    CASE WHEN r_owner < 0.05 THEN NULL
      WHEN r_owner < 0.15 THEN c.demo_sales[1 + floor((r_owner - 0.05) / 0.1 * cardinality(c.demo_sales))::int]
      ELSE c.sales[1 + floor((r_owner - 0.15) / 0.85 * cardinality(c.sales))::int] END AS owner,
    CASE WHEN r_stage < 0.30 THEN 'open0' WHEN r_stage < 0.50 THEN 'open1' WHEN r_stage < 0.65 THEN 'open2'
      WHEN r_stage < 0.75 THEN 'open3' WHEN r_stage < 0.87 THEN 'won' ELSE 'lost' END AS stage_kind,
    created + (r_upd ^ 3) * (now() - created) AS updated
  FROM r, c
), y AS (
  SELECT x.*,
    CASE stage_kind WHEN 'won' THEN won[1] WHEN 'lost' THEN lost_st[1]
      ELSE open_st[1 + least(cardinality(open_st) - 1, substr(stage_kind, 5)::int)] END AS stage,
    -- a warrior of the owner, for one lead in five that has one
    CASE WHEN r_w < 0.2 AND owner IS NOT NULL THEN (
      SELECT u.id FROM users u WHERE u.company_id = cid AND u.manager_id = owner AND u.role = 'WARRIOR' ORDER BY u.id
      OFFSET i % 2 LIMIT 1) END AS warrior
  FROM x
)
INSERT INTO leads (company_id, id, name, company_name, emails, phones, source, campaign, product, city, state,
  country, territory, expected_value, currency, expected_close_date, tags, owner_id, warrior_ids, co_sales_ids,
  partner_id, stage, lost_reason, custom_fields, created_by, created_via, created_at, updated_at, stage_changed_at,
  last_touched_at, version)
SELECT cid,
  (lpad(to_hex(floor(extract(epoch FROM created) * 1000)::bigint), 12, '0') || '7' || substr(md5(i::text), 1, 3)
    || to_hex(8 + (i % 4)) || substr(md5(i::text), 4, 15))::uuid,
  fn[fi] || ' ' || ln[li],
  CASE WHEN r_close > 0.15 THEN cw[cwi] || ' ' || cs[csi] || CASE WHEN r_cf < 0.5 THEN ' Pvt Ltd' ELSE '' END END,
  CASE WHEN r_mail < 0.8 THEN ARRAY[lower(fn[fi] || '.' || ln[li] || (i % 1000)::text) || '@'
    || dom[1 + (i % cardinality(dom))]] ELSE '{}' END,
  CASE WHEN r_ph < 0.9 THEN ARRAY['+91' || (6 + floor(r_ph * 4.4))::int::text
      || lpad(((i::bigint * 7919 + floor(r_ph * 1e6)::bigint) % 1000000000)::text, 9, '0')]
    || CASE WHEN r_ph < 0.12 THEN ARRAY['+9122' || lpad((i % 100000000)::text, 8, '0')] ELSE '{}' END
    ELSE '{}' END,
  src[1 + floor(r_src ^ 1.5 * cardinality(src))::int],
  CASE WHEN r_camp < 0.5 THEN camp[1 + floor(r_camp * 2 * cardinality(camp))::int] END,
  CASE WHEN r_prod < 0.8 THEN prod[1 + floor(r_prod / 0.8 * cardinality(prod))::int] END,
  city[ci], st[ci], 'India', terr[ci],
  CASE WHEN stage_kind = 'won' OR r_val < 0.7 THEN round(exp(9 + r_val * 6)::numeric, -2) END,
  CASE WHEN stage_kind = 'won' OR r_val < 0.7 THEN 'INR' END,
  CASE WHEN r_close < 0.6 THEN (created + r_close * 200 * interval '1 day')::date END,
  ARRAY(SELECT tg[1 + ((floor(r_tag * 1000)::int + k * 3) % cardinality(tg))]
    FROM generate_series(1, floor(r_tag * 4)::int) AS k),
  owner,
  CASE WHEN warrior IS NOT NULL THEN ARRAY[warrior] ELSE '{}' END,
  CASE WHEN r_co < 0.05 AND cosales IS NOT NULL THEN cosales ELSE '{}' END,
  CASE WHEN r_p < 0.05 AND partners IS NOT NULL THEN partners[1 + floor(r_p / 0.05 * cardinality(partners))::int] END,
  stage,
  CASE WHEN stage_kind = 'lost' THEN lost[1 + (i % cardinality(lost))] END,
  jsonb_strip_nulls(jsonb_build_object(
    'industry', CASE WHEN r_cf < 0.7 THEN ind[1 + (i % cardinality(ind))] END,
    'employees', CASE WHEN r_cf < 0.6 AND r_camp > 0.2 THEN floor(exp(r_val * 9))::int END,
    'renewal_date', CASE WHEN r_w > 0.7 THEN to_char(created + interval '1 year', 'YYYY-MM-DD') END,
    'gst_registered', CASE WHEN r_cf < 0.8 THEN r_tag < 0.6 END,
    'interests', CASE WHEN r_prod < 0.4 THEN to_jsonb(ARRAY[intr[1 + (i % cardinality(intr))]]) END)),
  owner,
  (ARRAY['ui','import','api','web_form','facebook'])[1 + (i % 5)],
  created, updated, updated, updated, 1 + (i % 3)
FROM y`;
}

export interface GenerateOptions {
  count: number;
  batch?: number;
  log?: (message: string) => void;
}

/**
 * Inserts `count` leads into Demo Co. `url` must connect as the owner of the schema (migrations' role): the
 * indexes are dropped and rebuilt around the load.
 */
export async function generateLeads(url: string, options: GenerateOptions): Promise<void> {
  const log = options.log ?? ((m: string) => console.log(m));
  const batch = options.batch ?? 100_000;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const company = await client.query<{ id: string }>(`SELECT id FROM companies WHERE slug = 'demo'`);
    const companyId = company.rows[0]?.id;
    if (!companyId) throw new Error('Demo Co is missing: seed the demo data first');
    const started = Date.now();
    await client.query('BEGIN');
    await client.query(`SELECT set_config('app.company_id', $1, true)`, [companyId]);
    await client.query(`SET LOCAL maintenance_work_mem = '512MB'`);
    await client.query(`SELECT setseed(0.42)`);
    for (const field of benchCustomFields) {
      await client.query(
        `INSERT INTO custom_fields (company_id, id, key, label, type, options, position)
         VALUES ($1, gen_random_uuid(), $2, $3, $4, $5, 100) ON CONFLICT DO NOTHING`,
        [companyId, field.key, field.label, field.type, field.options],
      );
    }
    const partners = await client.query(`SELECT count(*)::int AS n FROM partners WHERE company_id = $1`, [companyId]);
    if (partners.rows[0].n === 0) {
      for (const [i, word] of companyWords.slice(0, 12).entries()) {
        await client.query(
          `INSERT INTO partners (company_id, id, name, territories) VALUES ($1, gen_random_uuid(), $2, $3)`,
          [companyId, `${word} Channel Partners`, [cities[i % cities.length]?.[2] ?? 'West']],
        );
      }
    }
    const indexes = await client.query<{ name: string; def: string }>(
      `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
       WHERE i.tablename = 'leads' AND i.schemaname = current_schema() AND i.indexname <> 'leads_pkey'`,
    );
    for (const index of indexes.rows) await client.query(`DROP INDEX ${index.name}`);
    for (let from = 1; from <= options.count; from += batch) {
      const to = Math.min(options.count, from + batch - 1);
      await client.query(batchSql(from, to));
      log(`  leads: ${to.toLocaleString('en')} of ${options.count.toLocaleString('en')} inserted`);
    }
    log(`  leads: rebuilding ${indexes.rows.length} indexes ...`);
    for (const index of indexes.rows) await client.query(index.def);
    await client.query('COMMIT');
    log(`  leads: done in ${Math.round((Date.now() - started) / 1000)} s; analysing ...`);
    await client.query('VACUUM (ANALYZE) leads');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('Set DATABASE_URL to the database to fill (as its owner)');
  await generateLeads(url, { count: Number(process.argv[2] ?? 1_000_000) });
}
