import { Button, Card, Center, EmptyState, Loader, Skeleton, Stack, Text } from '@mantine/core';
import { useDisclosure, useIntersection, useMediaQuery } from '@mantine/hooks';
import { IconLayoutKanban, IconPlus, IconTargetArrow } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatNumber } from '../../lib/format';
import { useCan, useMe } from '../auth/session';
import { BulkActions } from './BulkActions';
import { ColumnChooser, useColumnChoice } from './ColumnChooser';
import { useStageCounts } from './counts.queries';
import { useCustomFields } from './customFields.queries';
import { DrillFilters } from './DrillFilters';
import { ExportButton } from './ExportButton';
import { canSee } from './fields';
import { LeadFiltersBar } from './LeadFiltersBar';
import classes from './LeadsPage.module.css';
import { LeadCards, LeadTable, type Sort } from './LeadTable';
import { LeadToolsMenu } from './LeadToolsMenu';
import { type ColumnContext, columnsByIds, customColumns, leadColumns } from './leadColumns';
import { activeFilterCount, emptyFilters, filtersFrom, listQuery, toListParams, useLeadFilters } from './leadFilters';
import { useLeadList } from './leads.queries';
import type { CountsQuery, Lead, SavedView } from './leads.types';
import { NewLeadModal } from './NewLeadModal';
import { useStages } from './pipeline.queries';
import { SavedViews } from './SavedViews';
import { useViews } from './views.queries';

const PAGE_SIZE = 50;

/** A saved view's filter value as the address bar would hold it. */
function viewValue(value: string | number | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : String(value);
}

function parseSort(sort: string | null): Sort | null {
  if (!sort) return null;
  return sort.startsWith('-') ? { column: sort.slice(1), direction: 'desc' } : { column: sort, direction: 'asc' };
}

const sortParam = (sort: Sort | null) => (sort ? `${sort.direction === 'desc' ? '-' : ''}${sort.column}` : null);

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function LeadsPage() {
  const me = useMe();
  const navigate = useNavigate();
  const canCreate = useCan('leads:create');
  const canWrite = useCan('leads:write');
  const canAssign = useCan('leads:assign');
  const canBulk = canWrite || canAssign;
  const compact = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const { stages } = useStages();
  const customFields = useCustomFields();
  const { filters, extras, params, update, clear } = useLeadFilters();
  const sort = params.get('sort');
  const views = useViews();
  const viewId = params.get('view');
  const currentView = views.data?.find((v) => v.id === viewId) ?? null;
  const [localColumns, setLocalColumns] = useColumnChoice();
  // Column changes made while a view is in use stay with that view until it is updated (or left).
  const [viewColumns, setViewColumns] = useState<Record<string, string[]>>({});
  const [selected, setSelected] = useState<Map<string, Lead>>(new Map());
  const [creating, createModal] = useDisclosure(false);

  // A report's drill-down may carry filters the controls do not hold: they apply as they came.
  const query = listQuery(filters, extras);
  const list = useLeadList({ ...query, ...(sort ? { sort } : {}), limit: PAGE_SIZE });
  const leads = list.data?.pages.flatMap((page) => page.data) ?? [];
  const filtered = Boolean(filters.q) || activeFilterCount(filters) > 0 || Object.keys(extras).length > 0;
  // The total under the current filters: the stage counts of the same filters, summed (one cache with the bulk bar).
  const counts = useStageCounts(query as CountsQuery);
  const total = counts.data ? Object.values(counts.data).reduce((sum, stage) => sum + stage.count, 0) : null;
  const totalText = total === null ? null : `${formatNumber(total)} ${total === 1 ? 'lead' : 'leads'}`;

  // A role that cannot see a field does not get its column (the server leaves the field out of every lead).
  const sample = leads[0];
  const available = [...leadColumns, ...customColumns(customFields.data ?? [])].filter(
    (c) => !(sample && c.field && !canSee(sample, c.field)),
  );
  const savedColumns = currentView && currentView.columns.length > 0 ? currentView.columns : localColumns;
  const columnIds = currentView ? (viewColumns[currentView.id] ?? savedColumns) : localColumns;
  const setColumnIds = (ids: string[]) =>
    currentView ? setViewColumns((current) => ({ ...current, [currentView.id]: ids })) : setLocalColumns(ids);
  const columns = columnsByIds(columnIds, available);
  const ctx: ColumnContext = { stages, currency: me.company.currency, locale: me.company.locale };

  const viewState = { filters: query, columns: columnIds, sort };
  const modified =
    currentView !== null &&
    (!sameJson(query, toListParams(filtersFrom((name) => viewValue(currentView.filters[name])))) ||
      (currentView.sort ?? null) !== sort ||
      !sameJson(columnIds, savedColumns));

  const selectView = (view: SavedView | null) => {
    if (view)
      setViewColumns((current) => ({ ...current, [view.id]: view.columns.length > 0 ? view.columns : localColumns }));
    const next = view ? filtersFrom((name) => viewValue(view.filters[name])) : emptyFilters;
    // A view replaces a report's drill-down filters too.
    const dropped = Object.fromEntries([...Object.keys(extras), 'via'].map((name) => [name, null]));
    update(next, { ...dropped, view: view?.id ?? null, sort: view?.sort ?? null });
    setSelected(new Map());
  };

  // Infinite scroll: the next page loads as the end of the list comes into view (the button stays for keyboards).
  const { ref: endRef, entry } = useIntersection({ rootMargin: '400px' });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    if (entry?.isIntersecting && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [entry?.isIntersecting, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const selection = canBulk
    ? {
        selected: new Set(selected.keys()),
        onToggle: (lead: Lead, on: boolean) =>
          setSelected((current) => {
            const next = new Map(current);
            if (on) next.set(lead.id, lead);
            else next.delete(lead.id);
            return next;
          }),
        onToggleAll: (on: boolean) =>
          setSelected((current) => {
            const next = new Map(current);
            for (const lead of leads) {
              if (on) next.set(lead.id, lead);
              else next.delete(lead.id);
            }
            return next;
          }),
      }
    : null;

  return (
    <>
      <PageHeader
        title="Leads"
        description={
          <span data-testid="leads-total">
            {currentView
              ? `Saved view: ${currentView.name}`
              : filtered
                ? 'Leads matching your filters'
                : 'Every lead you can see'}
            {totalText ? ` · ${totalText}` : '.'}
          </span>
        }
        actions={
          <>
            <SavedViews current={currentView} modified={modified} state={viewState} onSelect={selectView} />
            <Button component={Link} to="/leads/board" variant="default" leftSection={<IconLayoutKanban size={18} />}>
              Board
            </Button>
            <ExportButton filter={query} sort={sort} columns={columns.map((c) => c.id)} />
            {canCreate && (
              <Button leftSection={<IconPlus size={18} />} onClick={createModal.open}>
                New lead
              </Button>
            )}
            <LeadToolsMenu />
          </>
        }
      />

      <Card p={0}>
        <LeadFiltersBar
          filters={filters}
          onChange={(changes) => update(changes)}
          stages={stages}
          onClear={() => clear()}
          trailing={compact ? null : <ColumnChooser value={columnIds} onChange={setColumnIds} available={available} />}
        />
        <DrillFilters
          extras={extras}
          via={params.get('via')}
          stages={stages}
          onRemove={(name) => update({}, { [name]: null })}
          onClear={() => update({}, Object.fromEntries([...Object.keys(extras), 'via'].map((name) => [name, null])))}
        />

        {list.isPending ? (
          <Stack p="md" gap="sm" aria-busy="true" aria-label="Loading leads">
            {[0, 1, 2, 3, 4, 5].map((row) => (
              <Skeleton key={row} h={36} />
            ))}
          </Stack>
        ) : list.isError ? (
          <Stack p="md">
            <ErrorAlert error={list.error} onRetry={() => list.refetch()} title="Could not load leads" />
          </Stack>
        ) : leads.length === 0 ? (
          <Center py={56} px="md">
            <EmptyState
              icon={<IconTargetArrow size={26} />}
              title={filtered ? 'No leads match these filters' : 'No leads yet'}
              description={
                filtered
                  ? 'Try another search, or clear the filters.'
                  : 'Leads you add, import or receive from your forms will show here.'
              }
            >
              {filtered ? (
                <Button variant="light" mt="md" onClick={() => clear({ q: null })}>
                  Clear search and filters
                </Button>
              ) : (
                canCreate && (
                  <Button variant="light" mt="md" leftSection={<IconPlus size={16} />} onClick={createModal.open}>
                    Add the first lead
                  </Button>
                )
              )}
            </EmptyState>
          </Center>
        ) : compact ? (
          <LeadCards leads={leads} ctx={ctx} selection={selection} />
        ) : (
          <LeadTable
            leads={leads}
            columns={columns}
            ctx={ctx}
            sortable={available.filter((c) => c.sortable).map((c) => c.id)}
            sort={parseSort(sort)}
            onSort={(next) => update({}, { sort: sortParam(next) })}
            selection={selection}
          />
        )}

        {leads.length > 0 && (
          <div className={classes.footer}>
            <Text size="sm" c="dimmed" aria-live="polite">
              Showing {formatNumber(leads.length)}
              {total !== null && total > leads.length
                ? ` of ${totalText}`
                : ` ${leads.length === 1 ? 'lead' : 'leads'}`}
              {list.isFetching && !list.isFetchingNextPage ? ' · updating…' : ''}
            </Text>
            {list.hasNextPage ? (
              <Button variant="light" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
                Load more
              </Button>
            ) : (
              list.isFetching && <Loader size="xs" />
            )}
          </div>
        )}
        {leads.length > 0 && <div ref={endRef} aria-hidden="true" />}
      </Card>

      {selection && (
        <BulkActions
          selected={[...selected.values()]}
          stages={stages}
          onClear={() => setSelected(new Map())}
          filter={query}
          moreThanShown={Boolean(list.hasNextPage) && leads.length > 0 && leads.every((l) => selected.has(l.id))}
        />
      )}
      {canCreate && (
        <NewLeadModal
          opened={creating}
          onClose={createModal.close}
          onCreated={(lead) => navigate(`/leads/${lead.id}`)}
        />
      )}
    </>
  );
}
