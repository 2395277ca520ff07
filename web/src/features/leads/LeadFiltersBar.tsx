import { Badge, Button, Collapse, Divider, MultiSelect, Popover, TextInput } from '@mantine/core';
import { useDebouncedCallback, useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconAdjustmentsHorizontal, IconChevronDown, IconFilterOff, IconSearch } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { useCan, useMe } from '../auth/session';
import classes from './LeadsPage.module.css';
import { activeFilterCount, type LeadFilters, moreFilterCount } from './leadFilters';
import { CountBadge, MoreFiltersForm } from './MoreFilters';
import type { Stage } from './stages';
import { UserPicker } from './UserPicker';

const unassigned = [{ value: 'none', label: 'Unassigned' }];

/** The search box, debounced so typing does not send a request per key; it follows the address bar otherwise. */
function SearchBox({ q, onSearch, short }: { q: string; onSearch: (value: string) => void; short: boolean }) {
  const [value, setValue] = useState(q);
  const [shown, setShown] = useState(q);
  const push = useDebouncedCallback((next: string) => onSearch(next), 300);
  if (q !== shown) {
    setShown(q);
    if (!push.isPending()) setValue(q);
  }
  return (
    <TextInput
      aria-label="Search leads"
      placeholder={short ? 'Search leads' : 'Search name, company, email, phone'}
      leftSection={<IconSearch size={16} />}
      value={value}
      onChange={(event) => {
        setValue(event.currentTarget.value);
        push(event.currentTarget.value);
      }}
      className={classes.search}
      type="search"
    />
  );
}

export function LeadFiltersBar({
  filters,
  onChange,
  onClear,
  stages,
  showStages = true,
  trailing,
}: {
  filters: LeadFilters;
  onChange: (changes: Partial<LeadFilters>) => void;
  onClear: () => void;
  stages: readonly Stage[];
  showStages?: boolean;
  /** Controls shown at the end of the bar (column chooser, saved views). */
  trailing?: ReactNode;
}) {
  const me = useMe();
  const canPickPeople = useCan('users:read');
  const [moreOpen, setMoreOpen] = useState(false);
  const more = moreFilterCount(filters);
  // The form keeps a draft; a change from elsewhere (Clear, a saved view) starts it afresh.
  const moreKey = JSON.stringify([
    filters.sources,
    filters.tags,
    filters.tiers,
    filters.valueMin,
    filters.valueMax,
    filters.createdFrom,
    filters.createdTo,
    filters.closeFrom,
    filters.closeTo,
  ]);
  const compact = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const [open, toggle] = useDisclosure(false);
  const count = activeFilterCount(filters, { withStages: showStages });

  const selects = (
    <>
      {showStages && (
        <MultiSelect
          comboboxProps={{ keepMounted: false }}
          aria-label="Stage"
          placeholder={filters.stages.length > 0 ? undefined : 'All stages'}
          data={stages.map((s) => ({ value: s.key, label: s.name }))}
          value={filters.stages}
          onChange={(value) => onChange({ stages: value })}
          clearable
          className={classes.filter}
          maxDropdownHeight={280}
        />
      )}
      {canPickPeople && (
        <UserPicker
          aria-label="Owner"
          placeholder="Any owner"
          userRole="SALESPERSON"
          value={filters.owners[0] ?? null}
          onChange={(value) => onChange({ owners: value ? [value] : [] })}
          extraOptions={unassigned}
          clearable
          className={classes.filter}
        />
      )}
      {!compact && (
        <Popover
          opened={moreOpen}
          onChange={setMoreOpen}
          position="bottom-end"
          shadow="md"
          width={360}
          withinPortal
          trapFocus
        >
          <Popover.Target>
            <Button
              variant="default"
              onClick={() => setMoreOpen((o) => !o)}
              rightSection={more > 0 ? <CountBadge count={more} /> : <IconChevronDown size={14} />}
            >
              More filters
            </Button>
          </Popover.Target>
          <Popover.Dropdown>
            <MoreFiltersForm
              key={moreKey}
              filters={filters}
              currency={me.company.currency}
              onApply={(changes) => {
                onChange(changes);
                setMoreOpen(false);
              }}
            />
          </Popover.Dropdown>
        </Popover>
      )}
      {compact && (
        <>
          <Divider label="More filters" labelPosition="left" />
          <MoreFiltersForm key={moreKey} filters={filters} currency={me.company.currency} onApply={onChange} />
        </>
      )}
      {count > 0 && (
        <Button
          variant="subtle"
          color="gray"
          px="xs"
          leftSection={<IconFilterOff size={16} />}
          onClick={onClear}
          aria-label="Clear filters"
        >
          Clear
        </Button>
      )}
    </>
  );

  return (
    <div className={classes.toolbar}>
      <div className={classes.toolbarRow}>
        <SearchBox q={filters.q} onSearch={(q) => onChange({ q })} short={compact} />
        {compact ? (
          <Button
            variant="default"
            leftSection={<IconAdjustmentsHorizontal size={16} />}
            onClick={toggle.toggle}
            aria-expanded={open}
            rightSection={count > 0 ? <Badge size="sm">{count}</Badge> : undefined}
          >
            Filters
          </Button>
        ) : (
          selects
        )}
        {trailing}
      </div>
      {compact && (
        <Collapse expanded={open}>
          <div className={classes.toolbarStack}>{selects}</div>
        </Collapse>
      )}
    </div>
  );
}
