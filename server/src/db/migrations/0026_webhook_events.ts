import { type Kysely, sql } from 'kysely';

/**
 * More webhook events, captured as migration 0021 captures the lead and activity ones: statement-level triggers
 * that look at one index entry while the company has no enabled endpoint, and otherwise write the event in the
 * transaction of the change and wake the dispatch job.
 *
 * - `email.sent`: a lead email gets its sent time. `email.opened`: a lead email's first open is recorded.
 * - `whatsapp.received`: an inbound WhatsApp message is stored.
 * - `import.completed`: an import reaches `done`.
 *
 * The data is picked here, field by field, in the API's names: an event never holds an email's body, a secret
 * or a blind-copy address (see docs/webhooks.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION app_webhooks_capture_email() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      added bigint;
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.company_id = app_current_company() AND e.enabled) THEN
        RETURN NULL;
      END IF;
      INSERT INTO webhook_events (company_id, type, subject_id, data)
        SELECT n.company_id, e.type, n.id, jsonb_build_object(
            'id', n.id, 'leadId', n.lead_id, 'senderId', n.sender_id,
            'from', CASE WHEN n.from_address IS NULL THEN NULL
              ELSE jsonb_build_object('name', n.from_name, 'address', n.from_address) END,
            'to', to_jsonb(n.to_addresses), 'cc', to_jsonb(n.cc_addresses), 'subject', n.subject,
            'template', CASE WHEN n.template_name IS NULL THEN NULL
              ELSE jsonb_build_object('id', n.template_id, 'name', n.template_name) END,
            'messageId', n.smtp_message_id, 'queuedAt', n.created_at, 'sentAt', n.sent_at,
            'firstOpenedAt', n.first_opened_at)
        FROM new_rows n
        JOIN old_rows o ON o.company_id = n.company_id AND o.id = n.id
        CROSS JOIN LATERAL (VALUES
          (1, 'email.sent', o.sent_at IS NULL AND n.sent_at IS NOT NULL),
          (2, 'email.opened', o.first_opened_at IS NULL AND n.first_opened_at IS NOT NULL)
        ) AS e (ord, type, fired)
        WHERE e.fired AND n.purpose = 'lead' AND n.company_id = app_current_company()
        ORDER BY n.id, e.ord;
      GET DIAGNOSTICS added = ROW_COUNT;
      IF added > 0 THEN
        PERFORM app_webhooks_wake();
      END IF;
      RETURN NULL;
    END $$;

    CREATE FUNCTION app_webhooks_capture_whatsapp() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      added bigint;
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.company_id = app_current_company() AND e.enabled) THEN
        RETURN NULL;
      END IF;
      IF TG_OP = 'UPDATE' THEN
        -- The inbound path stores a message, then files it on its lead in the same transaction: the event,
        -- not yet dispatched, gets the lead id. A message filed after its event went out is not sent again.
        UPDATE webhook_events w SET data = jsonb_set(w.data, '{leadId}', to_jsonb(n.lead_id))
          FROM new_rows n
          JOIN old_rows o ON o.company_id = n.company_id AND o.id = n.id
          WHERE n.direction = 'inbound' AND o.lead_id IS NULL AND n.lead_id IS NOT NULL
            AND n.company_id = app_current_company()
            AND w.company_id = n.company_id AND w.dispatched_at IS NULL AND w.type = 'whatsapp.received'
            AND w.subject_id = n.id;
        RETURN NULL;
      END IF;
      INSERT INTO webhook_events (company_id, type, subject_id, data)
        SELECT n.company_id, 'whatsapp.received', n.id, jsonb_build_object(
            'id', n.id, 'leadId', n.lead_id, 'phone', n.phone, 'contactName', n.contact_name,
            'type', n.type, 'text', n.body, 'content', n.content, 'wamid', n.wamid, 'at', n.at,
            'receivedAt', n.created_at)
        FROM new_rows n
        WHERE n.direction = 'inbound' AND n.company_id = app_current_company()
        ORDER BY n.at, n.id;
      GET DIAGNOSTICS added = ROW_COUNT;
      IF added > 0 THEN
        PERFORM app_webhooks_wake();
      END IF;
      RETURN NULL;
    END $$;

    CREATE FUNCTION app_webhooks_capture_imports() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      added bigint;
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.company_id = app_current_company() AND e.enabled) THEN
        RETURN NULL;
      END IF;
      INSERT INTO webhook_events (company_id, type, subject_id, data)
        SELECT n.company_id, 'import.completed', n.id, jsonb_build_object(
            'id', n.id, 'fileName', n.file_name, 'format', n.format, 'createdBy', n.created_by,
            'apiKeyId', n.api_key_id, 'status', n.status, 'onDuplicate', n.on_duplicate,
            'totalRows', n.total_rows, 'rowsDone', n.rows_done,
            'counts', jsonb_build_object('created', n.created_count, 'updated', n.updated_count,
              'skipped', n.skipped_count, 'failed', n.failed_count),
            'createdAt', n.created_at, 'startedAt', n.started_at, 'finishedAt', n.finished_at)
        FROM new_rows n
        JOIN old_rows o ON o.company_id = n.company_id AND o.id = n.id
        WHERE o.status IS DISTINCT FROM 'done' AND n.status = 'done' AND n.company_id = app_current_company()
        ORDER BY n.id;
      GET DIAGNOSTICS added = ROW_COUNT;
      IF added > 0 THEN
        PERFORM app_webhooks_wake();
      END IF;
      RETURN NULL;
    END $$;

    CREATE TRIGGER email_messages_webhooks_update AFTER UPDATE ON email_messages
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION app_webhooks_capture_email();
    CREATE TRIGGER whatsapp_messages_webhooks_insert AFTER INSERT ON whatsapp_messages
      REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION app_webhooks_capture_whatsapp();
    CREATE TRIGGER whatsapp_messages_webhooks_update AFTER UPDATE ON whatsapp_messages
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION app_webhooks_capture_whatsapp();
    CREATE TRIGGER imports_webhooks_update AFTER UPDATE ON imports
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION app_webhooks_capture_imports();
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The webhook events migration cannot be reverted');
}
