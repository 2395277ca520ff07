import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation.ts';
import * as m0002 from './0002_auth_lookup.ts';
import * as m0003 from './0003_leads.ts';
import * as m0004 from './0004_lead_lifecycle.ts';
import * as m0005 from './0005_duplicates.ts';
import * as m0006 from './0006_merges.ts';
import * as m0007 from './0007_imports.ts';
import * as m0008 from './0008_bulk_operations.ts';
import * as m0009 from './0009_activities.ts';
import * as m0010 from './0010_email.ts';
import * as m0011 from './0011_whatsapp.ts';
import * as m0012 from './0012_auth_hardening.ts';
import * as m0013 from './0013_lead_company_words.ts';
import * as m0015 from './0015_notification_at.ts';
import * as m0016 from './0016_reports.ts';
import * as m0017 from './0017_dashboards_targets.ts';
import * as m0018 from './0018_report_schedules.ts';
import * as m0019 from './0019_analytics_outbox.ts';
import * as m0020 from './0020_lead_rollups.ts';
import * as m0021 from './0021_webhooks.ts';
import * as m0022 from './0022_files.ts';
import * as m0023 from './0023_facebook.ts';
import * as m0024 from './0024_tickets.ts';
import * as m0025 from './0025_extractor.ts';
import * as m0026 from './0026_webhook_events.ts';
import * as m0027 from './0027_erp.ts';
import * as m0028 from './0028_ticket_files.ts';
import * as m0029 from './0029_scoring.ts';
import * as m0030 from './0030_lead_risk.ts';
import * as m0031 from './0031_recommendations.ts';
import * as m0032 from './0032_insights_analytics.ts';
import * as m0033 from './0033_customer_values.ts';
import * as m0034 from './0034_forecast_months.ts';
import * as m0035 from './0035_assignment_rule_index.ts';
import * as m0036 from './0036_score_runs.ts';
import * as m0037 from './0037_ticket_ratings.ts';
import * as m0038 from './0038_ticket_intake.ts';
import * as m0039 from './0039_extractor_http.ts';
import * as m0040 from './0040_ticket_categories.ts';

/** Every migration, in order. A new file is added here too, so the set is explicit and bundled with the code. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_auth_lookup': m0002,
  '0003_leads': m0003,
  '0004_lead_lifecycle': m0004,
  '0005_duplicates': m0005,
  '0006_merges': m0006,
  '0007_imports': m0007,
  '0008_bulk_operations': m0008,
  '0009_activities': m0009,
  '0010_email': m0010,
  '0011_whatsapp': m0011,
  '0012_auth_hardening': m0012,
  '0013_lead_company_words': m0013,
  '0015_notification_at': m0015,
  '0016_reports': m0016,
  '0017_dashboards_targets': m0017,
  '0018_report_schedules': m0018,
  '0019_analytics_outbox': m0019,
  '0020_lead_rollups': m0020,
  '0021_webhooks': m0021,
  '0022_files': m0022,
  '0023_facebook': m0023,
  '0024_tickets': m0024,
  '0025_extractor': m0025,
  '0026_webhook_events': m0026,
  '0027_erp': m0027,
  '0028_ticket_files': m0028,
  '0029_scoring': m0029,
  '0030_lead_risk': m0030,
  '0031_recommendations': m0031,
  '0032_insights_analytics': m0032,
  '0033_customer_values': m0033,
  '0034_forecast_months': m0034,
  '0035_assignment_rule_index': m0035,
  '0036_score_runs': m0036,
  '0037_ticket_ratings': m0037,
  '0038_ticket_intake': m0038,
  '0039_extractor_http': m0039,
  '0040_ticket_categories': m0040,
};
