import { describe, expect, it } from 'vitest';
import { extraFilters, filtersFrom, listQuery } from '../leads/leadFilters';
import { drillHref, VIA_PARAM } from './drill';

describe('drill links', () => {
  it('opens the lead list with the report’s query as it came, and a caption', () => {
    const href = drillHref(
      { list: 'leads', query: { reached: 'proposal', 'createdAt.min': '2026-12-01', 'createdAt.max': '2026-12-31' } },
      'Funnel · Proposal',
    );
    const url = new URL(href, 'http://app.test');
    expect(url.pathname).toBe('/leads');
    expect(url.searchParams.get('reached')).toBe('proposal');
    expect(url.searchParams.get('createdAt.min')).toBe('2026-12-01');
    expect(url.searchParams.get('createdAt.max')).toBe('2026-12-31');
    expect(url.searchParams.get(VIA_PARAM)).toBe('Funnel · Proposal');
    expect([...url.searchParams.keys()]).toHaveLength(4);
  });

  it('escapes what needs escaping and keeps date-times with their offset intact', () => {
    const href = drillHref({ list: 'leads', query: { 'stageChangedAt.min': '2026-12-01T00:00:00+05:30', q: 'a&b=c' } });
    const url = new URL(href, 'http://app.test');
    expect(url.searchParams.get('stageChangedAt.min')).toBe('2026-12-01T00:00:00+05:30');
    expect(url.searchParams.get('q')).toBe('a&b=c');
    expect(url.searchParams.has(VIA_PARAM)).toBe(false);
  });

  it('opens the activity list for activity figures', () => {
    expect(drillHref({ list: 'activities', query: { assigneeId: 'u1', status: 'missed' } })).toBe(
      '/activities?assigneeId=u1&status=missed',
    );
    expect(drillHref({ list: 'activities', query: {} })).toBe('/activities');
  });
});

describe('a drill link on the lead list', () => {
  /** What the lead list sends to GET /leads for the address a drill link opens. */
  function listQueryAt(href: string) {
    const params = new URL(href, 'http://app.test').searchParams;
    const filters = filtersFrom((name) => params.get(name));
    return listQuery(filters, extraFilters(params, filters));
  }

  const queries: Record<string, string>[] = [
    // Held by the filter bar's controls.
    { stage: 'proposal' },
    { ownerId: 'none', source: 'web_form,import' },
    { 'createdAt.min': '2026-12-01', 'createdAt.max': '2026-12-31', 'expectedValue.min': '100000' },
    // Not held by any control: applied as they came.
    { reached: 'proposal', 'reachedAt.min': '2026-10-01', 'reachedAt.max': '2026-12-31' },
    { team: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', campaign: 'Diwali 2026', lostReason: 'Price' },
    { 'cf.industry': 'Retail', partnerId: 'none', tagsMatch: 'all', tags: 'vip,hot' },
    // Held by a control, but only in part (a time and offset): the exact value wins.
    { 'createdAt.min': '2026-12-01T00:00:00+05:30', stage: 'won' },
    { 'expectedValue.max': '1e6' },
  ];

  it.each(queries)('sends exactly the figure’s query to the list (%o)', (query) => {
    const sent = listQueryAt(drillHref({ list: 'leads', query }, 'Report · Row · Leads')) as Record<string, unknown>;
    expect(Object.fromEntries(Object.entries(sent).map(([k, v]) => [k, String(v)]))).toEqual(query);
  });
});
