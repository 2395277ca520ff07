/**
 * Every table whose rows belong to one lead through a `lead_id` column (with `company_id` and its own uuid `id`).
 * A merge moves these rows from the merged leads to the survivor (`UPDATE ... SET lead_id`) and its undo moves
 * exactly those rows back by id, so a module that adds such a table (activities, emails, WhatsApp messages,
 * files) appends it here. The table must allow many rows per lead: a unique key on `lead_id` would make a merge
 * fail. Rows that merely point at a lead (notifications) stay where they are: the merged id redirects.
 */
export interface LeadRelation {
  table: string;
  /** What a person would call these rows, for merge previews and messages ("notes", "stage moves"). */
  label: string;
}

export const leadRelations: LeadRelation[] = [
  { table: 'lead_notes', label: 'notes' },
  { table: 'lead_stage_history', label: 'stage moves' },
  { table: 'lead_assignments', label: 'assignments' },
  { table: 'activities', label: 'activities' },
  { table: 'email_messages', label: 'emails' },
  { table: 'whatsapp_messages', label: 'WhatsApp messages' },
];
