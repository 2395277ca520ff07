/**
 * What a module tells the integrations home about one of its connections (a web form, the SMTP server, a webhook
 * endpoint, a Facebook page...). Each module builds these from its own tables; none carries a credential.
 */
export type ConnectionStatus = 'connected' | 'paused' | 'broken' | 'not_configured';

export interface ConnectionReport {
  kind: 'web_form' | 'email' | 'whatsapp' | 'webhook' | 'facebook_page' | 'erp';
  id: string;
  name: string;
  status: ConnectionStatus;
  /** Why the status is what it is, when there is more to say (e.g. why an endpoint was disabled). */
  statusReason: string | null;
  lastSuccessAt: string | null;
  lastError: { message: string; at: string | null } | null;
  /** Counts since midnight in the company's time zone, named by what they count. */
  today: Record<string, number>;
  /** Whether the connection can be paused and resumed from the integrations home. */
  pausable: boolean;
}

/** A timestamp column as ISO text. */
export const isoOf = (value: Date | string | null | undefined): string | null =>
  value === null || value === undefined ? null : new Date(value).toISOString();
