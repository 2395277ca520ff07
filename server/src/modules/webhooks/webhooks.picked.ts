/**
 * Events whose data the trigger of migration 0026 already picks field by field, in the API's names
 * (`email_messages`, `whatsapp_messages`, `imports`): the payload is that object with its times as ISO 8601.
 */
export const pickedEventTypes = ['email.sent', 'email.opened', 'whatsapp.received', 'import.completed'] as const;

type Row = Record<string, unknown>;

/** `…At` fields as PostgreSQL wrote them in JSON (`2026-12-07T08:00:00.123+00:00`) → `2026-12-07T08:00:00.123Z`. */
export function pickedData(row: Row): Row {
  const data: Row = {};
  for (const [key, value] of Object.entries(row)) {
    data[key] = key.endsWith('At') && typeof value === 'string' ? new Date(value).toISOString() : value;
  }
  return data;
}
