/** A target's period: a calendar month (`2026-12`) or quarter (`2026-Q4`), as dates in the company's zone. */
export interface Period {
  kind: 'month' | 'quarter';
  /** The first day, YYYY-MM-DD. */
  start: string;
  /** The last day, YYYY-MM-DD. */
  end: string;
  /** `Dec 2026`, `Q4 2026`. */
  label: string;
  /** As the API writes it: `2026-12`, `2026-Q4`. */
  key: string;
}

export const PERIOD_PATTERN = '^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$';

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ymd = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d, 12)).toISOString().slice(0, 10);
const pad = (n: number) => String(n).padStart(2, '0');

/** The period a key names, or null when it names none. */
export function parsePeriod(key: string): Period | null {
  const match = /^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$/.exec(key);
  if (!match) return null;
  const year = Number(match[1]);
  if (year < 1970 || year > 9999) return null;
  if (match[2]) {
    const month = Number(match[2]);
    return {
      kind: 'month',
      start: ymd(year, month, 1),
      end: ymd(year, month + 1, 0),
      label: `${months[month - 1]} ${year}`,
      key,
    };
  }
  const quarter = Number(match[3]);
  const first = (quarter - 1) * 3 + 1;
  return {
    kind: 'quarter',
    start: ymd(year, first, 1),
    end: ymd(year, first + 3, 0),
    label: `Q${quarter} ${year}`,
    key,
  };
}

/** The period of a stored target (its kind and first day). */
export function periodOf(kind: string, start: string): Period {
  const [year, month] = start.split('-').map(Number) as [number, number];
  const key = kind === 'quarter' ? `${year}-Q${Math.floor((month - 1) / 3) + 1}` : `${year}-${pad(month)}`;
  return parsePeriod(key) as Period;
}

/** This month, from today's date in the company's zone. */
export const monthOf = (today: string) => parsePeriod(today.slice(0, 7)) as Period;
