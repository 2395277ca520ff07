import { type RawBuilder, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Actor } from '../../http/context.ts';
import { leadVisibleTo } from '../leads/scope.ts';

/**
 * The kinds of record the audit log names, each with a label and where its readable name is (a read-only look-up
 * of the owning module's table, by id). A kind not listed here still shows, by its code and without a name.
 */
export const AUDIT_ENTITY_TYPES = {
  lead: { label: 'Lead', table: 'leads', column: 'name' },
  lead_note: { label: 'Note', table: null, column: null },
  activity: { label: 'Follow-up', table: 'activities', column: 'title' },
  user: { label: 'User', table: 'users', column: 'name' },
  api_key: { label: 'API key', table: 'api_keys', column: 'name' },
  company: { label: 'Company', table: 'companies', column: 'name' },
  partner: { label: 'Partner', table: 'partners', column: 'name' },
  pipeline_stage: { label: 'Pipeline stage', table: 'pipeline_stages', column: 'name' },
  custom_field: { label: 'Custom field', table: 'custom_fields', column: 'label' },
  field_permission: { label: 'Field permission', table: null, column: null },
  assignment_rule: { label: 'Assignment rule', table: 'assignment_rules', column: 'name' },
  saved_view: { label: 'Saved view', table: 'saved_views', column: 'name' },
  web_form: { label: 'Web form', table: 'web_forms', column: 'name' },
  import: { label: 'Import', table: 'imports', column: 'file_name' },
  import_mapping: { label: 'Import mapping', table: 'import_mappings', column: 'name' },
  lead_export: { label: 'Export', table: null, column: null },
  bulk_action: { label: 'Bulk action', table: null, column: null },
  duplicate_group: { label: 'Duplicate group', table: null, column: null },
  duplicate_scan: { label: 'Duplicate scan', table: null, column: null },
  duplicate_settings: { label: 'Duplicate settings', table: null, column: null },
  email: { label: 'Email', table: null, column: null },
  email_template: { label: 'Email template', table: 'email_templates', column: 'name' },
  email_settings: { label: 'Email settings', table: null, column: null },
  whatsapp_settings: { label: 'WhatsApp settings', table: null, column: null },
  whatsapp_thread: { label: 'WhatsApp conversation', table: null, column: null },
  whatsapp_message: { label: 'WhatsApp message', table: null, column: null },
  facebook_page: { label: 'Facebook page', table: 'facebook_pages', column: 'page_name' },
  facebook_form: { label: 'Facebook lead form', table: null, column: null },
  saved_report: { label: 'Saved report', table: 'saved_reports', column: 'name' },
  report_export: { label: 'Report export', table: null, column: null },
  dashboard: { label: 'Dashboard', table: 'dashboards', column: 'name' },
  target: { label: 'Target', table: null, column: null },
  report_schedule: { label: 'Report schedule', table: 'report_schedules', column: 'name' },
  file: { label: 'File', table: 'files', column: 'name' },
  folder: { label: 'Folder', table: 'folders', column: 'name' },
  webhook_endpoint: { label: 'Webhook endpoint', table: 'webhook_endpoints', column: 'url' },
  ticket: { label: 'Ticket', table: 'tickets', column: 'subject' },
} as const satisfies Record<string, { label: string; table: string | null; column: string | null }>;

type EntityType = keyof typeof AUDIT_ENTITY_TYPES;

export function entityTypeLabel(type: string): string {
  return (AUDIT_ENTITY_TYPES as Record<string, { label: string }>)[type]?.label ?? type.replaceAll('_', ' ');
}

/**
 * The readable names of the entities of one page of the log, in one statement: `type|id` -> name. A lead (and a
 * note, by its lead) is named only when the reader may see that lead; other records only to a reader who may
 * read the log, which is every record of its company (audit:read is an admin's).
 */
export async function entityNames(
  trx: Tx,
  actor: Actor,
  entries: { entityType: string; entityId: string | null }[],
): Promise<Map<string, string>> {
  const idsByType = new Map<string, string[]>();
  for (const e of entries) {
    if (!e.entityId || !(e.entityType in AUDIT_ENTITY_TYPES)) continue;
    idsByType.set(e.entityType, [...(idsByType.get(e.entityType) ?? []), e.entityId]);
  }
  const parts: RawBuilder<unknown>[] = [];
  for (const [type, ids] of idsByType) {
    const source = AUDIT_ENTITY_TYPES[type as EntityType];
    const unique = [...new Set(ids)];
    if (type === 'lead') {
      parts.push(sql`SELECT 'lead' AS type, l.id, l.name FROM leads l
        WHERE l.id = ANY(${unique}::uuid[]) AND ${leadVisibleTo(actor)}`);
    } else if (type === 'lead_note') {
      parts.push(sql`SELECT 'lead_note' AS type, n.id, 'Note on ' || l.name FROM lead_notes n
        JOIN leads l ON l.company_id = n.company_id AND l.id = n.lead_id
        WHERE n.id = ANY(${unique}::uuid[]) AND ${leadVisibleTo(actor)}`);
    } else if (source.table && source.column) {
      parts.push(sql`SELECT ${type}::text AS type, x.id, x.${sql.ref(source.column)}::text AS name
        FROM ${sql.table(source.table)} x WHERE x.id = ANY(${unique}::uuid[])`);
    }
  }
  if (parts.length === 0) return new Map();
  const { rows } = await sql<{ type: string; id: string; name: string | null }>`${sql.join(
    parts,
    sql` UNION ALL `,
  )}`.execute(trx);
  return new Map(rows.filter((r) => r.name).map((r) => [`${r.type}|${r.id}`, r.name as string]));
}

/** The kinds of record the company's log holds, each once (a skip scan of the entity index), with labels. */
export async function loggedEntityTypes(trx: Tx): Promise<{ type: string; label: string }[]> {
  const { rows } = await sql<{ entity_type: string }>`
    WITH RECURSIVE t AS (
      (SELECT a.entity_type FROM audit_log a ORDER BY a.company_id, a.entity_type LIMIT 1)
      UNION ALL
      SELECT (SELECT a.entity_type FROM audit_log a WHERE a.entity_type > t.entity_type
              ORDER BY a.company_id, a.entity_type LIMIT 1)
      FROM t WHERE t.entity_type IS NOT NULL
    )
    SELECT entity_type FROM t WHERE entity_type IS NOT NULL`.execute(trx);
  return rows
    .map((r) => ({ type: r.entity_type, label: entityTypeLabel(r.entity_type) }))
    .sort((a, b) => a.label.localeCompare(b.label));
}
