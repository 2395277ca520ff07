/**
 * Every table whose rows belong to one lead through a `lead_id` column (with `company_id` and its own `id`).
 * A merge moves these rows from the merged leads to the survivor and its undo moves exactly those rows back,
 * so a module that adds such a table (activities, emails, WhatsApp messages, files) appends it here.
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
];
