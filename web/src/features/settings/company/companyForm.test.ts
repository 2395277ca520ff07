import { describe, expect, it } from 'vitest';
import { type Company, companyDraftOf, companyPatch, fiscalYearOf } from './companyForm';

const company: Company = {
  id: '0190a0a0-0000-7000-8000-000000000001',
  name: 'Demo Realty',
  slug: 'demo',
  timezone: 'Asia/Kolkata',
  currency: 'INR',
  locale: 'en-IN',
  phoneCountry: 'IN',
  fiscalYearStartMonth: 4,
};

describe('the company settings', () => {
  it('sends only what changed', () => {
    const draft = companyDraftOf(company);
    expect(companyPatch(draft, company)).toEqual({});
    expect(companyPatch({ ...draft, fiscalYearStartMonth: 1, currency: 'usd ' }, company)).toEqual({
      fiscalYearStartMonth: 1,
      currency: 'USD',
    });
    expect(companyPatch({ ...draft, name: ' Demo Realty  ' }, company)).toEqual({});
  });

  it('reads a company without a fiscal year setting as starting in January', () => {
    const { fiscalYearStartMonth: _, ...older } = company;
    expect(companyDraftOf(older).fiscalYearStartMonth).toBe(1);
    expect(companyPatch(companyDraftOf(older), older)).toEqual({});
  });

  it('names the fiscal year holding a day as reports do', () => {
    expect(fiscalYearOf('2026-12-07', 4)).toEqual({ from: '2026-04-01', to: '2027-03-31', label: 'FY 2026-27' });
    expect(fiscalYearOf('2026-02-10', 4)).toEqual({ from: '2025-04-01', to: '2026-03-31', label: 'FY 2025-26' });
    expect(fiscalYearOf('2026-02-10', 1)).toEqual({ from: '2026-01-01', to: '2026-12-31', label: 'FY 2026' });
    expect(fiscalYearOf('2099-07-01', 7).label).toBe('FY 2099-00');
  });
});
