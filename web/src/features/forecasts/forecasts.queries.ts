import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import type { paths } from '../../lib/api-types';

export type Forecast = paths['/api/v1/insights/forecast']['get']['responses'][200]['content']['application/json'];
export type PeopleForecast =
  paths['/api/v1/insights/forecast/people']['get']['responses'][200]['content']['application/json'];
export type ForecastPeriod = 'month' | 'quarter';

export const forecastKeys = {
  all: ['forecast'] as const,
  months: (months: number) => ['forecast', 'months', months] as const,
  people: (period: ForecastPeriod, date: string | null) => ['forecast', 'people', period, date ?? 'today'] as const,
};

/** The next months with their range, and the backtest of the past six. */
export function useForecast(months: number, enabled = true) {
  return useQuery({
    enabled,
    queryKey: forecastKeys.months(months),
    queryFn: () => unwrap(api.GET('/api/v1/insights/forecast', { params: { query: { months } } })),
    staleTime: 60_000,
  });
}

/** Each person's expected won value and count in a month or quarter, against their target. */
export function usePeopleForecast(period: ForecastPeriod, date: string | null) {
  return useQuery({
    queryKey: forecastKeys.people(period, date),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/insights/forecast/people', {
          params: { query: { period, ...(date ? { date } : {}) } },
        }),
      ),
    staleTime: 60_000,
  });
}
