import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams } from '../../http/schemas.ts';
import { ByQuery, ByResult, CustomerPage, CustomersQuery, LeadValue, RefreshQueued } from './customer-value.schemas.ts';
import * as service from './customer-value.service.ts';

const tags = ['insights'];
const visibility =
  'Only the customers you may see (a salesperson its own); amounts are null when your role may not see deal ' +
  'values. Amounts in different currencies are never added up: pick one with `currency`.';

/** Customer lifetime value from the books' invoices and payments (docs/insights.md). */
export function customerValueRoutes(app: App, deps: Deps): void {
  app.get(
    '/insights/customers',
    {
      config: { permission: 'insights:read' },
      schema: {
        tags,
        summary: 'Customers with revenue to date, expected value of the next 12 months and churn risk',
        description: `Customers are leads in a won stage and leads the books hold invoices or payments for. ${visibility}`,
        querystring: CustomersQuery,
        response: { 200: CustomerPage },
      },
    },
    (request) => service.listCustomers(deps, contextOf(request), request.query),
  );

  app.get(
    '/insights/customers/by',
    {
      config: { permission: 'insights:read' },
      schema: {
        tags,
        summary: 'Customer value by source, campaign, owner or partner',
        description: `Customers, revenue to date, expected 12-month value and revenue per customer for each group. ${visibility}`,
        querystring: ByQuery,
        response: { 200: ByResult },
      },
    },
    (request) => service.valueBy(deps, contextOf(request), request.query),
  );

  app.post(
    '/insights/customers/refresh',
    {
      config: { permission: 'insights:manage' },
      schema: {
        tags,
        summary: 'Recompute the customer values reports read, now, in the background (also done every morning)',
        description:
          'Brings customer_values, the table behind the Customers report subject, up to date with the books; the ' +
          'other customer-value endpoints compute their figures when asked and need no refresh.',
        response: { 202: RefreshQueued },
      },
    },
    async (request, reply) => reply.code(202).send(await service.requestRefresh(deps, contextOf(request))),
  );

  app.get(
    '/leads/:id/value',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags,
        summary: 'The lead’s customer value: revenue to date, expected 12-month value and churn risk',
        description: 'A lead you may not see is 404. Amounts are null when your role may not see deal values.',
        params: IdParams,
        response: { 200: LeadValue },
      },
    },
    (request) => service.leadValue(deps, contextOf(request), request.params.id),
  );
}
