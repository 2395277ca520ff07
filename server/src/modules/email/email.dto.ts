import type { MessageRow, MessageStatus } from './email.repository.ts';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/**
 * A message as the API shows it. `showAddresses` is false for a role that may not read the lead's email
 * addresses (a field permission): the recipients are then left out, the rest is shown.
 */
export function toMessage(row: MessageRow, showAddresses: boolean) {
  const links = (Array.isArray(row.links) ? row.links : []) as { url: string; clicks?: number }[];
  return {
    id: row.id,
    purpose: row.purpose as 'lead' | 'system',
    leadId: row.lead_id,
    sender: row.sender_id ? { id: row.sender_id, name: row.sender_name ?? '' } : null,
    from: row.from_address ? { name: row.from_name, address: row.from_address } : null,
    replyTo: row.reply_to,
    to: showAddresses ? row.to_addresses : [],
    cc: showAddresses ? row.cc_addresses : [],
    bcc: showAddresses ? row.bcc_addresses : [],
    subject: row.subject,
    html: row.html,
    text: row.text,
    template: row.template_name ? { id: row.template_id, name: row.template_name } : null,
    status: row.status as MessageStatus,
    attempts: row.attempts,
    errorCode: row.error_code,
    lastError: row.last_error,
    serverReply: row.last_reply,
    messageId: row.smtp_message_id,
    nextAttemptAt: iso(row.next_attempt_at),
    queuedAt: iso(row.created_at) as string,
    sentAt: iso(row.sent_at),
    failedAt: iso(row.failed_at),
    tracking: { opens: row.track_opens, clicks: row.track_clicks },
    opens: { count: row.open_count, firstAt: iso(row.first_opened_at), lastAt: iso(row.last_opened_at) },
    clicks: { count: row.click_count, firstAt: iso(row.first_clicked_at), lastAt: iso(row.last_clicked_at) },
    links: links.map((l) => ({ url: l.url, clicks: l.clicks ?? 0 })),
  };
}
