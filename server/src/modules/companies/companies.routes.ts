import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { getCompany, updateCompany } from './companies.service.ts';

const UpdateCompanyBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    timezone: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Asia/Kolkata' }),
    ),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217, e.g. INR' })),
    locale: Type.Optional(Type.String({ minLength: 2, maxLength: 35, description: 'BCP 47, e.g. en-IN' })),
    phoneCountry: Type.Optional(
      Type.String({ pattern: '^[A-Z]{2}$', description: 'Default country for phone numbers, ISO 3166-1 alpha-2' }),
    ),
    fiscalYearStartMonth: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 12, description: 'The month the fiscal year starts (4: April)' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export function companiesRoutes(app: App, deps: Deps): void {
  app.get(
    '/company',
    {
      config: { permission: 'company:read' },
      schema: {
        tags: ['company'],
        summary: "The caller's company and its settings",
        response: { 200: Type.Ref('Company') },
      },
    },
    (request) => getCompany(deps, contextOf(request)),
  );
  app.patch(
    '/company',
    {
      config: { permission: 'company:manage' },
      schema: {
        tags: ['company'],
        summary: "Change the company's name or settings",
        body: UpdateCompanyBody,
        response: { 200: Type.Ref('Company') },
      },
    },
    (request) => updateCompany(deps, contextOf(request), request.body),
  );
}
