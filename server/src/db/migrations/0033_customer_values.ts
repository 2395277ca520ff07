import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * Each live customer's value as the customer-value module computes it (revenue and payments to date from the
 * books, purchases, the expected value of the next 12 months, churn risk and its status), kept beside the lead so
 * that reports can group and sum it. One row per customer, in its main currency (the company's when the customer
 * has documents in it or none at all); a daily job and a refresh on demand rewrite only the rows whose figures
 * changed (`computed_at` is when a row's figures were last written) and remove the leads that are no longer
 * customers. Purging a lead removes its row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE customer_values (
      company_id uuid NOT NULL,
      lead_id uuid NOT NULL,
      currency text NOT NULL,
      revenue_to_date numeric(18, 2) NOT NULL,
      payments_received numeric(18, 2) NOT NULL,
      purchases integer NOT NULL CHECK (purchases >= 0),
      average_order_value numeric(18, 2),
      expected_12m numeric(18, 2) NOT NULL CHECK (expected_12m >= 0),
      churn_risk numeric(4, 3) CHECK (churn_risk BETWEEN 0 AND 1),
      status text NOT NULL CHECK (status IN ('active', 'cooling', 'at_risk', 'lapsed', 'no_purchases')),
      first_purchase_at date,
      last_purchase_at date,
      computed_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, lead_id),
      FOREIGN KEY (company_id, lead_id) REFERENCES leads (company_id, id) ON DELETE CASCADE,
      CHECK ((status = 'no_purchases') = (churn_risk IS NULL))
    );
  `.execute(db);
  await enableTenantIsolation(db, 'customer_values', 'company_id');
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON customer_values TO iperform_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The customer values migration cannot be reverted');
}
