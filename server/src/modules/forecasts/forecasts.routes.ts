import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { Forecast, ForecastQuery, PeopleForecast, PeopleQuery } from './forecasts.schemas.ts';
import * as service from './forecasts.service.ts';

/** The revenue forecast with its backtest, and the forecast by person against targets. */
export function forecastsRoutes(app: App, deps: Deps): void {
  app.get(
    '/insights/forecast',
    {
      config: { permission: 'insights:read' },
      schema: {
        tags: ['insights'],
        summary: 'The won revenue expected in this and the next months, with a range and a backtest',
        description:
          'Each month: the open leads you see, each value times the probability (learnt from the company’s own ' +
          'history by stage and days in it) of a win in that month, plus the run rate of leads not yet created, ' +
          'and this month what was already won; the range is the 10th to the 90th percentile. The backtest ' +
          'makes the same forecast at the start of each of the past six months, from what was known then, beside ' +
          'what was won. Money in the company’s currency (leads’ values as they are, as in the reports).',
        querystring: ForecastQuery,
        response: { 200: Forecast },
      },
    },
    (request) => service.forecast(deps, contextOf(request), request.query),
  );

  app.get(
    '/insights/forecast/people',
    {
      config: { permission: 'insights:read' },
      schema: {
        tags: ['insights'],
        summary: 'Expected won value and count per person for a month or quarter, against their targets',
        description:
          'Won so far plus the expected wins of their open leads in the rest of the period. A salesperson sees ' +
          'itself, a manager each person of its subtree, an admin everyone; the team line is their total (a ' +
          'manager’s team target when one is set, else the sum of the people’s targets). Figures cover only the ' +
          'leads you see.',
        querystring: PeopleQuery,
        response: { 200: PeopleForecast },
      },
    },
    (request) => service.people(deps, contextOf(request), request.query),
  );
}
