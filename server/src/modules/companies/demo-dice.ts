/**
 * A seeded random source (mulberry32): the demo data is the same on every machine and every run, so a
 * screenshot, a guide or a bug report about "the lead of Shree Balaji Traders" means the same lead everywhere.
 */
export class Dice {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /**
   * The dice of one item of a series: each lead rolls its own, so a lead whose timeline changes with the hour
   * the seed runs at (a move that has not happened yet) leaves every other lead as it was.
   */
  static for(seed: number, index: number): Dice {
    return new Dice(Math.imul(index + 1, 0x9e3779b1) ^ seed);
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** A whole number from `min` to `max`, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** One item, each as likely as its weight. */
  weighted<T>(items: readonly T[], weightOf: (item: T) => number): T {
    const total = items.reduce((sum, item) => sum + weightOf(item), 0);
    let roll = this.next() * total;
    for (const item of items) {
      roll -= weightOf(item);
      if (roll < 0) return item;
    }
    return this.pick(items);
  }

  /** Up to `count` distinct items, in a random order. */
  some<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const chosen: T[] = [];
    while (chosen.length < count && pool.length > 0)
      chosen.push(...pool.splice(Math.floor(this.next() * pool.length), 1));
    return chosen;
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** India keeps one offset all year: no daylight saving. */
const IST = 330 * MINUTE;

export function istHour(time: number): number {
  return ((((time + IST) % DAY) + DAY) % DAY) / HOUR;
}

/** The calendar date in India, as YYYY-MM-DD. */
export function istDate(time: number): string {
  return new Date(time + IST).toISOString().slice(0, 10);
}

/** The day of the week in India: 0 Sunday .. 6 Saturday. */
export function istWeekday(time: number): number {
  return new Date(time + IST).getUTCDay();
}

/** The same moment, or the next office hour (10:00-19:00 IST, Monday to Saturday) when it falls outside. */
export function officeHours(time: number, dice: Dice): number {
  let t = time;
  const hour = istHour(t);
  const settling = dice.int(0, 90) * MINUTE;
  if (hour < 10) t += (10 - hour) * HOUR + settling;
  else if (hour >= 19) t += (34 - hour) * HOUR + settling;
  if (istWeekday(t) === 0) t += DAY;
  return t;
}
