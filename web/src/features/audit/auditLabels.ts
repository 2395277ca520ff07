/**
 * The audit log in words: each action code the server writes as a phrase ("lead.updated" -> "Updated lead"),
 * and a fallback that reads any other code ("thing.done_twice" -> "Thing: done twice").
 */
const actionLabels: Record<string, string> = {
  'lead.created': 'Created lead',
  'lead.updated': 'Updated lead',
  'lead.update': 'Updated lead',
  'lead.deleted': 'Moved lead to trash',
  'lead.restored': 'Restored lead',
  'lead.purged': 'Deleted lead for good',
  'lead.merged': 'Merged leads',
  'lead.merge_undone': 'Undid a merge',
  'lead.demo_seeded': 'Added demo lead',
  'lead.sla_missed': 'Response time missed',
  'lead.sla_reassigned': 'Reassigned after a missed response time',
  'leads.exported': 'Exported leads',
  'note.created': 'Added note',
  'note.updated': 'Edited note',
  'note.deleted': 'Deleted note',
  'activity.created': 'Scheduled follow-up',
  'activity.completed': 'Completed follow-up',
  'activity.cancelled': 'Cancelled follow-up',
  'activity.missed': 'Follow-up missed',
  'activity.demo_seeded': 'Added demo follow-up',
  'user.created': 'Added user',
  'user.updated': 'Updated user',
  'user.deactivated': 'Deactivated user',
  'user.reactivated': 'Reactivated user',
  'user.password_changed': 'Changed password',
  'user.password_reset': 'Reset password',
  'user.password_reset_link_issued': 'Sent password reset link',
  'user.availability_changed': 'Changed availability',
  'user.leave_added': 'Added leave',
  'user.leave_removed': 'Removed leave',
  'api_key.created': 'Created API key',
  'api_key.revoked': 'Revoked API key',
  'api_key.scopes_changed': 'Changed API key scopes',
  'company.updated': 'Updated company settings',
  'partner.created': 'Added partner',
  'partner.updated': 'Updated partner',
  'pipeline_stage.created': 'Added stage',
  'pipeline_stage.reordered': 'Reordered stages',
  'custom_field.created': 'Added custom field',
  'field_permission.changed': 'Changed field permissions',
  'assignment_rule.created': 'Added assignment rule',
  'assignment_rule.updated': 'Updated assignment rule',
  'assignment_rule.deleted': 'Deleted assignment rule',
  'assignment_rule.reordered': 'Reordered assignment rules',
  'view.created': 'Saved view',
  'view.updated': 'Updated view',
  'view.deleted': 'Deleted view',
  'form.created': 'Created web form',
  'import.uploaded': 'Uploaded import file',
  'import.started': 'Started import',
  'import.completed': 'Finished import',
  'import.undo_started': 'Started undoing import',
  'import.undone': 'Undid import',
  'import_mapping.created': 'Saved import mapping',
  'import_mapping.deleted': 'Deleted import mapping',
  'bulk_action.created': 'Started bulk action',
  'bulk_action.finished': 'Finished bulk action',
  'duplicates.scan_requested': 'Started duplicate scan',
  'duplicates.group_dismissed': 'Dismissed duplicates',
  'duplicates.settings_updated': 'Changed duplicate settings',
  'email.queued': 'Sent email',
  'email.retried': 'Retried email',
  'email_settings.updated': 'Changed email settings',
  'email_settings.deleted': 'Removed email settings',
  'email_signature.updated': 'Changed email signature',
  'email_template.created': 'Added email template',
  'email_template.updated': 'Updated email template',
  'email_template.deleted': 'Deleted email template',
  'whatsapp.connected': 'Connected WhatsApp',
  'whatsapp.disconnected': 'Disconnected WhatsApp',
  'whatsapp.queued': 'Sent WhatsApp message',
  'whatsapp.attached': 'Linked WhatsApp conversation',
  'notification_preferences.updated': 'Changed notification preferences',
};

const sentence = (text: string) => {
  const words = text.replaceAll('_', ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export function actionLabel(action: string): string {
  const known = actionLabels[action];
  if (known) return known;
  const [entity, verb] = action.split('.', 2);
  return verb ? `${sentence(entity ?? '')}: ${verb.replaceAll('_', ' ')}` : sentence(action);
}

/** A kind of record as words, when the server's list of kinds has not loaded. */
export function entityTypeWords(type: string): string {
  return sentence(type);
}
