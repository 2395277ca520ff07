import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * Files and folders: company folders (optionally restricted to roles and users), files in a folder, at the
 * company's root, or attached to a lead, each with its versions (the bytes live in a storage driver: local disk or
 * S3; the row says which and under what key). A file goes to the trash (deleted_at) and comes back.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE folders (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      parent_id uuid,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      -- all null: no restriction (everyone of the company who may read files); else only these roles, users, teams.
      allowed_roles text[],
      allowed_user_ids uuid[],
      -- Managers whose team (the manager and everyone reporting to it, at any depth) may see the folder.
      allowed_team_ids uuid[],
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, parent_id) REFERENCES folders (company_id, id),
      FOREIGN KEY (company_id, created_by) REFERENCES users (company_id, id)
    );
    CREATE UNIQUE INDEX folders_name_uq ON folders (company_id, parent_id, lower(name)) NULLS NOT DISTINCT;

    CREATE TABLE files (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      folder_id uuid,
      lead_id uuid,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
      current_version integer NOT NULL CHECK (current_version >= 1),
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      deleted_at timestamptz,
      deleted_by uuid,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, folder_id) REFERENCES folders (company_id, id),
      FOREIGN KEY (company_id, lead_id) REFERENCES leads (company_id, id),
      FOREIGN KEY (company_id, created_by) REFERENCES users (company_id, id),
      CHECK (folder_id IS NULL OR lead_id IS NULL)
    );
    -- One live file per name and place: a new upload of that name there is a new version of it.
    CREATE UNIQUE INDEX files_live_name_uq ON files (company_id, folder_id, lead_id, lower(name)) NULLS NOT DISTINCT
      WHERE deleted_at IS NULL;
    CREATE INDEX files_lead_idx ON files (company_id, lead_id) WHERE lead_id IS NOT NULL;

    CREATE TABLE file_versions (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      file_id uuid NOT NULL,
      version integer NOT NULL CHECK (version >= 1),
      size bigint NOT NULL CHECK (size > 0),
      content_type text NOT NULL CHECK (length(content_type) BETWEEN 1 AND 255),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      storage_driver text NOT NULL CHECK (storage_driver IN ('local', 's3')),
      storage_key text NOT NULL CHECK (length(storage_key) BETWEEN 1 AND 500),
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id),
      UNIQUE (company_id, file_id, version),
      FOREIGN KEY (company_id, file_id) REFERENCES files (company_id, id),
      FOREIGN KEY (company_id, created_by) REFERENCES users (company_id, id)
    );

    -- Bytes whose version row is gone (the files purge, or a purged lead taking its files along): the trigger
    -- queues them here in the same transaction, and the files purge job deletes them from storage.
    CREATE TABLE file_orphans (
      company_id uuid NOT NULL REFERENCES companies (id),
      id bigint GENERATED ALWAYS AS IDENTITY,
      storage_driver text NOT NULL,
      storage_key text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, id)
    );
    CREATE FUNCTION file_versions_orphan() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO file_orphans (company_id, storage_driver, storage_key)
        VALUES (OLD.company_id, OLD.storage_driver, OLD.storage_key);
      RETURN OLD;
    END $$;
    CREATE TRIGGER file_versions_orphan AFTER DELETE ON file_versions
      FOR EACH ROW EXECUTE FUNCTION file_versions_orphan();
  `.execute(db);
  for (const table of ['folders', 'files', 'file_versions', 'file_orphans']) {
    await enableTenantIsolation(db, table, 'company_id');
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO iperform_app`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('The files migration cannot be reverted');
}
