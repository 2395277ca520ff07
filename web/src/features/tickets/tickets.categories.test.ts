import { describe, expect, it } from 'vitest';
import { categoryOptions, keyOf } from './tickets.labels';

const list = [
  { key: 'billing', label: 'Billing', active: true },
  { key: 'install', label: 'Installation', active: false },
  { key: 'training', label: 'Training', active: true },
];

describe('ticket categories', () => {
  it('offers the active categories, and keeps a ticket’s retired or free-text one visible', () => {
    expect(categoryOptions(list)).toEqual([
      { value: 'billing', label: 'Billing' },
      { value: 'training', label: 'Training' },
    ]);
    expect(categoryOptions(list, 'billing')).toHaveLength(2);
    expect(categoryOptions(list, 'install').at(-1)).toEqual({ value: 'install', label: 'Installation (retired)' });
    expect(categoryOptions(list, 'Old text').at(-1)).toEqual({ value: 'Old text', label: 'Old text' });
  });

  it('makes a key from a label', () => {
    expect(keyOf('Billing & invoices')).toBe('billing-invoices');
    expect(keyOf('  Café setup ')).toBe('cafe-setup');
    expect(keyOf('!!!')).toBe('');
  });
});
