import { Anchor, Group, Loader, Pagination, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { formatNumber } from '../../lib/format';
import { rowHref } from './chartData';
import { cellText, formatMeasure } from './reportFormat';
import classes from './reports.module.css';
import type { ReportRun } from './reports.types';

/** "1–50 of 365 rows" */
export function rowRangeText(offset: number, shown: number, total: number): string {
  const noun = total === 1 ? 'row' : 'rows';
  if (total === 0) return 'No rows';
  if (shown >= total && offset === 0) return `${formatNumber(total)} ${noun}`;
  return `${formatNumber(offset + 1)}–${formatNumber(offset + shown)} of ${formatNumber(total)} ${noun}`;
}

/**
 * A run's rows as a table: groupings first, then the figures, each figure with a list behind it a link to that
 * list; the grand totals in the footer. The table says how many rows the report has and pages through all of
 * them (`onPage`); a tile shows its first rows and a link to the rest (`more`). Wide tables scroll sideways.
 */
export function ReportTable({
  run,
  onPage,
  fetching = false,
  more,
  caption,
}: {
  run: ReportRun;
  onPage?: (offset: number) => void;
  fetching?: boolean;
  more?: ReactNode;
  caption?: string;
}) {
  const columns = run.columns;
  const measures = columns.filter((c) => c.role === 'measure');
  const pages = Math.max(1, Math.ceil(run.total / Math.max(1, run.limit)));
  const page = Math.floor(run.offset / Math.max(1, run.limit)) + 1;
  // A report without groupings is its own total: no footer repeating it.
  const grouped = columns.some((c) => c.role === 'dimension');
  const hasTotals = grouped && measures.some((m) => run.totals?.[m.key] !== null && run.totals?.[m.key] !== undefined);
  const countText = rowRangeText(run.offset, run.rows.length, run.total);

  return (
    <div>
      <Table.ScrollContainer minWidth={Math.max(320, columns.length * 130)} type="native">
        <Table className={classes.table} striped highlightOnHover stickyHeader aria-label={caption ?? run.report.name}>
          <Table.Thead>
            <Table.Tr>
              {columns.map((column) => (
                <Table.Th key={column.key} className={column.role === 'measure' ? classes.num : undefined} scope="col">
                  {column.label}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {run.rows.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={columns.length}>
                  <Text c="dimmed" size="sm" ta="center" py="md">
                    Nothing to show for this period.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {run.rows.map((row, index) => (
              // Rows have no id of their own: their groupings' values are unique within a run.
              <Table.Tr
                key={
                  columns
                    .filter((c) => c.role === 'dimension')
                    .map((c) => String(row.values[c.key]))
                    .join('|') || index
                }
              >
                {columns.map((column) => {
                  const text = cellText(row, column, run.currency);
                  if (column.role === 'dimension') {
                    return (
                      <Table.Td key={column.key} className={classes.dim} title={text}>
                        {text}
                      </Table.Td>
                    );
                  }
                  const href = rowHref(run, row, column);
                  return (
                    <Table.Td key={column.key} className={classes.num}>
                      {href ? (
                        <Anchor
                          component={Link}
                          to={href}
                          fw={600}
                          aria-label={`${column.label}: ${text}, open the list`}
                        >
                          {text}
                        </Anchor>
                      ) : (
                        text
                      )}
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Tbody>
          {hasTotals && run.rows.length > 0 && (
            <Table.Tfoot>
              <Table.Tr>
                {columns.map((column, i) => (
                  <Table.Td key={column.key} className={column.role === 'measure' ? classes.num : undefined}>
                    {column.role === 'measure'
                      ? formatMeasure(run.totals?.[column.key], column.format, run.currency, '')
                      : i === 0
                        ? 'Total'
                        : ''}
                  </Table.Td>
                ))}
              </Table.Tr>
            </Table.Tfoot>
          )}
        </Table>
      </Table.ScrollContainer>
      <div className={classes.tableFooter}>
        <Group gap="xs">
          <Text size="sm" c="dimmed" aria-live="polite" data-testid="report-row-count">
            {countText}
          </Text>
          {fetching && <Loader size="xs" aria-label="Loading rows" />}
        </Group>
        {more}
        {onPage && pages > 1 && (
          <Pagination
            total={pages}
            value={page}
            onChange={(next) => onPage((next - 1) * run.limit)}
            size="sm"
            siblings={1}
            boundaries={1}
            data-print-hide
            getControlProps={(control) => ({ 'aria-label': `${control} page` })}
          />
        )}
      </div>
    </div>
  );
}
