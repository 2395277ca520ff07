import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/problem';
import type { Target } from '../dashboard/dashboards.types';
import {
  checkTargetDraft,
  copyItems,
  groupTargets,
  newTargetDraft,
  periodChoices,
  periodKindOf,
  periodLabel,
  periodOf,
  placeTargetErrors,
  reachedCount,
  shiftPeriod,
  targetDraftOf,
  targetFieldOf,
  targetItem,
} from './targetForm';

function target(kind: Target['scope']['kind'], name: string, progress: number | null, wonValue = 100): Target {
  return {
    id: `${kind}-${name}`,
    scope: { kind, key: name.toLowerCase(), name },
    period: { kind: 'month', key: '2026-12', start: '2026-12-01', end: '2026-12-31', label: 'Dec 2026' },
    target: { wonValue, wonCount: 2, newLeads: null, calls: 40 },
    achieved: { wonValue: 50, wonCount: 1, newLeads: 3, calls: 12 },
    progress: { wonValue: progress, wonCount: 0.5, newLeads: null, calls: 0.3 },
    setBy: 'admin',
    updatedAt: '2026-12-01T00:00:00.000Z',
  };
}

describe('target periods', () => {
  it('names months and quarters as the API does', () => {
    expect(periodOf('2026-12-07', 'month')).toBe('2026-12');
    expect(periodOf('2026-12-07', 'quarter')).toBe('2026-Q4');
    expect(periodOf('2026-04-01', 'quarter')).toBe('2026-Q2');
    expect(periodKindOf('2026-12')).toBe('month');
    expect(periodKindOf('2026-Q4')).toBe('quarter');
    expect(periodKindOf('2026-13')).toBeNull();
    expect(periodLabel('2026-12')).toBe('Dec 2026');
    expect(periodLabel('2026-Q1')).toBe('Q1 2026');
  });

  it('steps across years', () => {
    expect(shiftPeriod('2026-12', 1)).toBe('2027-01');
    expect(shiftPeriod('2026-01', -1)).toBe('2025-12');
    expect(shiftPeriod('2026-Q4', 1)).toBe('2027-Q1');
    expect(shiftPeriod('2026-Q1', -2)).toBe('2025-Q3');
    expect(periodChoices('2026-Q4', 1, 1).map((c) => c.value)).toEqual(['2026-Q3', '2026-Q4', '2027-Q1']);
  });
});

describe('the target form', () => {
  it('sends one item with blank optional figures as none', () => {
    const draft = { ...newTargetDraft('2026-12'), key: 'u1', wonValue: 450000, wonCount: '4' };
    expect(checkTargetDraft(draft)).toEqual({});
    expect(targetItem(draft)).toEqual({
      scope: { kind: 'user', key: 'u1' },
      period: '2026-12',
      wonValue: 450000,
      wonCount: 4,
      newLeads: null,
      calls: null,
    });
  });

  it('edits a target as it is', () => {
    const draft = targetDraftOf(target('territory', 'North', 0.5));
    expect(targetItem(draft)).toEqual({
      scope: { kind: 'territory', key: 'north' },
      period: '2026-12',
      wonValue: 100,
      wonCount: 2,
      newLeads: null,
      calls: 40,
    });
  });

  it('names the fields it can check itself', () => {
    const draft = newTargetDraft('2026-12', 'territory');
    expect(checkTargetDraft(draft)).toEqual({
      key: 'Enter a territory',
      wonValue: 'Enter the value to win (0 for none)',
      wonCount: 'Enter the number of deals to win (0 for none)',
    });
    expect(
      checkTargetDraft({ ...draft, key: 'x', wonValue: 10.005, wonCount: 1.5, calls: -1, period: '2026' }),
    ).toEqual({
      period: 'Choose a month or a quarter',
      wonValue: 'At most two decimals',
      wonCount: 'Enter a whole number of 0 or more',
      calls: 'Enter a whole number of 0 or more',
    });
  });

  it('puts the server’s errors on the fields their paths name', () => {
    expect(targetFieldOf('items.0.wonValue')).toBe('wonValue');
    expect(targetFieldOf('/items/0/scope/key')).toBe('key');
    expect(targetFieldOf('items.0.scope.kind')).toBe('kind');
    expect(targetFieldOf('items.3')).toBeNull();
    expect(targetFieldOf('items')).toBeNull();
    const error = new ApiError({
      type: 'about:blank',
      title: 'Invalid',
      status: 400,
      code: 'validation_failed',
      errors: [
        { path: 'items.0.wonValue', message: 'must have at most two decimals' },
        { path: 'items.0.scope.key', message: 'Not a manager' },
        { path: 'items.0', message: 'The same scope twice.' },
      ],
    });
    expect(placeTargetErrors(error)).toEqual({
      fieldErrors: { wonValue: 'Won value must have at most two decimals', key: 'Not a manager' },
      formError: 'The same scope twice.',
    });
    const forbidden = new ApiError({ type: 'about:blank', title: 'Forbidden', status: 403, code: 'forbidden' });
    expect(placeTargetErrors(forbidden)).toEqual({ fieldErrors: {}, formError: 'Forbidden' });
  });

  it('groups targets by kind and counts those reached', () => {
    const list = [
      target('territory', 'North', 1.2),
      target('user', 'Ravi', 0.4),
      target('team', 'Asha', 1),
      target('user', 'Anil', null),
    ];
    expect(groupTargets(list).map(([kind, items]) => [kind, items.map((t) => t.scope.name)])).toEqual([
      ['user', ['Anil', 'Ravi']],
      ['team', ['Asha']],
      ['territory', ['North']],
    ]);
    expect(reachedCount(list)).toBe(2);
    // Without a won value to reach, the won count decides.
    expect(reachedCount([target('user', 'Pia', null, 0)])).toBe(0);
  });
});

describe('copying targets from the period before', () => {
  it('copies the targets the caller may set that the period does not have yet', () => {
    const previous = [target('user', 'Ravi', 1), target('team', 'Asha', 0.2), target('territory', 'North', 0.5)];
    // Ravi already has one in the new period (only the scope counts).
    const current = [target('user', 'RAVI', 0.1)];
    expect(copyItems(previous, current, '2027-01', ['user', 'team'])).toEqual([
      {
        scope: { kind: 'team', key: 'asha' },
        period: '2027-01',
        wonValue: 100,
        wonCount: 2,
        newLeads: null,
        calls: 40,
      },
    ]);
    expect(copyItems(previous, [], '2027-01', ['user', 'team', 'partner', 'territory'])).toHaveLength(3);
  });
});
