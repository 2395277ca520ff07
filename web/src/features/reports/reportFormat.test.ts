import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureFormat } from '../../lib/format';
import { cellText, formatDuration, formatMeasure, formatMeasureShort, shortLabel, tickLabel } from './reportFormat';

describe('report figures as text', () => {
  beforeEach(() => configureFormat({ timeZone: 'Asia/Kolkata', locale: 'en-IN', currency: 'INR' }));
  afterEach(() => configureFormat({ timeZone: 'America/New_York', locale: 'en-US', currency: 'USD' }));

  it('formats each measure format', () => {
    expect(formatMeasure(1234567, 'count')).toBe('12,34,567');
    expect(formatMeasure(450000, 'money', 'INR')).toBe('₹4,50,000');
    expect(formatMeasure('450000', 'money', 'INR')).toBe('₹4,50,000');
    expect(formatMeasure(0.4567, 'percent')).toBe('45.7%');
    expect(formatMeasure(90, 'seconds')).toBe('1 min');
    expect(formatMeasure(null, 'count')).toBe('—');
  });

  it('writes durations in the largest two units', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(3 * 3600 + 25 * 60)).toBe('3 h 25 min');
    expect(formatDuration(2 * 86400 + 5 * 3600)).toBe('2 d 5 h');
    expect(formatDuration(86400)).toBe('1 d');
  });

  it('shortens axis figures in the company’s locale and currency', () => {
    expect(formatMeasureShort(1_250_000, 'money', 'INR')).toBe('₹12.5L');
    expect(formatMeasureShort(950, 'count')).toBe('950');
    expect(formatMeasureShort(0.5, 'percent')).toBe('50%');
    expect(formatMeasureShort(6_000_000, 'seconds')).toBe('69 d');
    expect(formatMeasureShort(5400, 'seconds')).toBe('1.5 h');
    expect(formatMeasureShort(30, 'seconds')).toBe('30 s');
  });

  it('shows the API’s label for a grouping, a day formatted, or “(none)”', () => {
    const column = { key: 'ownerId', label: 'Owner', role: 'dimension' as const, format: 'user' };
    expect(cellText({ values: { ownerId: 'u1' }, labels: { ownerId: 'Asha Rao' }, drill: {} }, column)).toBe(
      'Asha Rao',
    );
    expect(cellText({ values: { ownerId: null }, labels: {}, drill: {} }, column)).toBe('(none)');
    const day = { key: 'createdAt.day', label: 'Day', role: 'dimension' as const, format: 'date' };
    expect(cellText({ values: { 'createdAt.day': '2026-12-07' }, labels: {}, drill: {} }, day)).toBe('7 Dec 2026');
    expect(shortLabel('Sunrise Channel Partners', 10)).toBe('Sunrise C…');
    expect(shortLabel('New', 10)).toBe('New');
    expect(tickLabel('Week of 7 Dec 2026', 12)).toBe('7 Dec 2026');
  });
});
