import { describe, expect, it } from 'vitest';
import {
  builderField,
  cleanDefinition,
  groupOptions,
  type ModelSubject,
  startDefinition,
  suggestedChart,
} from './builder';
import { groupCatalog } from './catalog';

const leads: ModelSubject = {
  key: 'leads',
  label: 'Leads',
  timeFields: [
    { key: 'createdAt', label: 'Created' },
    { key: 'wonAt', label: 'Won' },
  ],
  defaultTime: 'createdAt',
  grains: ['month', 'quarter'],
  dimensions: [
    { key: 'ownerId', label: 'Owner', kind: 'user' },
    { key: 'stage', label: 'Stage', kind: 'stage' },
  ],
  measures: [
    { key: 'leads', label: 'Leads', format: 'count' },
    { key: 'value', label: 'Value', format: 'money' },
  ],
  filters: true,
};

describe('the report builder', () => {
  it('offers the fields, then every time by every grain', () => {
    expect(groupOptions(leads)).toEqual([
      {
        group: 'Fields',
        items: [
          { value: 'ownerId', label: 'Owner' },
          { value: 'stage', label: 'Stage' },
        ],
      },
      {
        group: 'Time',
        items: [
          { value: 'createdAt.month', label: 'Created by month' },
          { value: 'createdAt.quarter', label: 'Created by quarter' },
          { value: 'wonAt.month', label: 'Won by month' },
          { value: 'wonAt.quarter', label: 'Won by quarter' },
        ],
      },
    ]);
  });

  it('starts a subject with its first measure and usual time', () => {
    expect(startDefinition(leads)).toEqual({
      subject: 'leads',
      measures: ['leads'],
      groupBy: [],
      timeField: 'createdAt',
      chart: 'bar',
    });
  });

  it('sends no empty groupings or filters', () => {
    expect(
      cleanDefinition({
        subject: 'leads',
        measures: ['leads', ''],
        groupBy: ['stage', '', 'ownerId', 'createdAt.month', 'wonAt.month'],
        filters: { stage: [], source: '', ownerId: 'u1', team: ['t1'] },
        chart: 'funnel',
      }),
    ).toEqual({
      subject: 'leads',
      measures: ['leads'],
      groupBy: ['stage', 'ownerId', 'createdAt.month'],
      filters: { ownerId: 'u1', team: ['t1'] },
      chart: 'funnel',
    });
    expect(cleanDefinition({ subject: 'leads', measures: ['leads'], groupBy: [] })).toEqual({
      subject: 'leads',
      measures: ['leads'],
      chart: 'kpi',
    });
  });

  it('suggests a line over time, bars over a field, a number without groupings', () => {
    expect(suggestedChart({ subject: 'leads', measures: ['leads'], groupBy: ['createdAt.month'] })).toBe('line');
    expect(suggestedChart({ subject: 'leads', measures: ['leads'], groupBy: ['stage'] })).toBe('bar');
    expect(suggestedChart({ subject: 'leads', measures: ['leads'] })).toBe('kpi');
  });

  it('places the API’s errors on the builder’s fields', () => {
    expect(builderField('report.measures.0')).toBe('measures');
    expect(builderField('report.groupBy')).toBe('groupBy');
    expect(builderField('/definition/groupBy/3')).toBe('groupBy');
    expect(builderField('body.name')).toBe('name');
    expect(builderField('from')).toBe('period');
    expect(builderField('report.filters.team')).toBe('filters');
    expect(builderField('limit')).toBeNull();
  });
});

describe('the report catalog', () => {
  const entries = [
    { key: 'a', name: 'Lost reasons', group: 'pipeline', description: 'Why deals are lost', chart: 'donut' as const },
    { key: 'b', name: 'Leaderboard', group: 'team', description: 'Won value per person', chart: 'bar' as const },
    { key: 'c', name: 'My funnel', group: 'saved', description: '', chart: 'funnel' as const, saved: true },
    { key: 'd', name: 'Deals by stage', group: 'pipeline', description: 'Count and value', chart: 'bar' as const },
  ];

  it('groups in the catalog’s order and searches names, descriptions and groups', () => {
    expect(groupCatalog(entries, '').map(([g, items]) => [g, items.map((i) => i.key)])).toEqual([
      ['pipeline', ['a', 'd']],
      ['team', ['b']],
      ['saved', ['c']],
    ]);
    expect(groupCatalog(entries, 'WON').map(([g]) => g)).toEqual(['team']);
    expect(groupCatalog(entries, 'team').map(([, items]) => items.map((i) => i.key))).toEqual([['b']]);
    expect(groupCatalog(entries, 'deals lost').flatMap(([, items]) => items.map((i) => i.key))).toEqual(['a']);
    expect(groupCatalog(entries, 'zebra')).toEqual([]);
  });
});
