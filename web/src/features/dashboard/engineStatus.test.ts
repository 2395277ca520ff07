import { beforeAll, describe, expect, it } from 'vitest';
import { configureFormat } from '../../lib/format';
import { engineSummary } from './engineStatus';

const base = { engine: 'clickhouse' as const, configured: true, reachable: true, pending: 0, lagSeconds: 0 };

describe('the reports engine card', () => {
  beforeAll(() => configureFormat({ locale: 'en-US', timeZone: 'UTC', currency: 'USD' }));

  it('is hidden when no ClickHouse is configured', () => {
    expect(engineSummary({ ...base, engine: 'postgres', configured: false, reachable: false })).toBeNull();
  });

  it('says ClickHouse is up to date when nothing waits', () => {
    expect(engineSummary(base)).toEqual({
      title: 'Reports run on ClickHouse',
      detail: 'Up to date with PostgreSQL.',
      color: 'teal',
    });
  });

  it('says how far behind ClickHouse is, coloured by how late', () => {
    expect(engineSummary({ ...base, pending: 12, lagSeconds: 4 })).toMatchObject({
      detail: '4 s behind PostgreSQL · 12 changes waiting.',
      color: 'teal',
    });
    expect(engineSummary({ ...base, pending: 1, lagSeconds: 150 })).toMatchObject({
      detail: '2 min behind PostgreSQL · 1 change waiting.',
      color: 'yellow',
    });
    expect(engineSummary({ ...base, pending: 2500, lagSeconds: 3700 })?.color).toBe('red');
  });

  it('says reports fall back to PostgreSQL when ClickHouse cannot be reached', () => {
    const summary = engineSummary({ ...base, engine: 'postgres', reachable: false, pending: 3, lagSeconds: 90 });
    expect(summary?.title).toBe('Reports run on PostgreSQL');
    expect(summary?.detail).toContain('3 changes wait in the outbox');
    expect(summary?.color).toBe('red');
  });
});
