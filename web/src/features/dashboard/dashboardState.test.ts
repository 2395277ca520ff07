import { describe, expect, it } from 'vitest';
import { dashboardFilters, filterParams, moveTile, targetsPeriod } from './dashboardState';
import { tileLimit } from './tileLimit';

describe('dashboard state', () => {
  it('reads the filters every tile takes from the address bar: all but the page’s own', () => {
    const params = new URLSearchParams(
      'dashboard=d1&range=thisMonth&ownerId=u1&source=web_form,import&team=%20&campaign=A&campaign=B',
    );
    expect(dashboardFilters(params)).toEqual({ ownerId: 'u1', source: 'web_form,import', campaign: ['A', 'B'] });
  });

  it('puts a saved dashboard’s filters in the address bar', () => {
    expect(filterParams({ ownerId: 'u1', campaign: ['A', 'B'], 'expectedValue.min': 5000 })).toEqual([
      ['ownerId', 'u1'],
      ['campaign', 'A'],
      ['campaign', 'B'],
      ['expectedValue.min', '5000'],
    ]);
  });

  it('moves a tile one place, and not past either end', () => {
    const tiles = ['a', 'b', 'c'];
    expect(moveTile(tiles, 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveTile(tiles, 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveTile(tiles, 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveTile(tiles, 2, 1)).toEqual(['a', 'b', 'c']);
  });

  it('names the targets of a whole month or quarter, else none', () => {
    expect(targetsPeriod({ from: '2026-12-01', to: '2026-12-31' })).toBe('2026-12');
    expect(targetsPeriod({ from: '2026-02-01', to: '2026-02-28' })).toBe('2026-02');
    expect(targetsPeriod({ from: '2026-10-01', to: '2026-12-31' })).toBe('2026-Q4');
    expect(targetsPeriod({ from: '2026-04-01', to: '2026-06-30' })).toBe('2026-Q2');
    expect(targetsPeriod({ from: '2026-02-01', to: '2026-04-30' })).toBeNull();
    expect(targetsPeriod({ from: '2026-01-01', to: '2026-12-31' })).toBeNull();
    expect(targetsPeriod({ from: '2026-12-01', to: '2026-12-30' })).toBeNull();
    expect(targetsPeriod(null)).toBeNull();
  });

  it('asks for as many rows as the tile draws', () => {
    expect(tileLimit('kpi')).toBe(1);
    expect(tileLimit('line')).toBeGreaterThanOrEqual(366);
    expect(tileLimit('table')).toBeLessThan(tileLimit('bar'));
  });
});
