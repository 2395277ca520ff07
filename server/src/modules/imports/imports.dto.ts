import type { Static } from 'typebox';
import type { ImportRow } from './imports.repository.ts';
import type { ImportDetail, ImportSummary, Mapping } from './imports.schemas.ts';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function toSummary(row: ImportRow): Static<typeof ImportSummary> {
  return {
    id: row.id,
    fileName: row.file_name,
    format: row.format,
    status: row.status as Static<typeof ImportSummary>['status'],
    progress: { rowsDone: row.rows_done, totalRows: row.total_rows },
    counts: {
      created: row.created_count,
      updated: row.updated_count,
      skipped: row.skipped_count,
      failed: row.failed_count,
    },
    createdBy: row.created_by,
    createdByName: row.created_by_name,
    createdAt: iso(row.created_at) as string,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    undoneAt: iso(row.undone_at),
    error: row.error,
  };
}

export function toDetail(row: ImportRow, suggested: Mapping): Static<typeof ImportDetail> {
  return {
    ...toSummary(row),
    fileSize: Number(row.file_size),
    encoding: row.encoding,
    delimiter: row.delimiter,
    headers: row.headers,
    sample: (row.sample ?? []) as string[][],
    columnValues: (row.column_values ?? {}) as Record<string, string[] | null>,
    parseFailures: row.parse_failures,
    mapping: (row.mapping as Mapping | null) ?? null,
    mappingId: row.mapping_id,
    suggestedMapping: suggested,
    onDuplicate: (row.on_duplicate as 'create' | 'skip' | 'merge' | null) ?? null,
    useAssignmentRules: row.use_rules,
    undone: { trashed: row.undo_trashed, reverted: row.undo_reverted },
    dryRun: (row.dry_run as Static<typeof ImportDetail>['dryRun']) ?? null,
  };
}
