import { toE164 } from '../../lib/phone.ts';
import { DAY, Dice, HOUR, MINUTE, officeHours } from './demo-dice.ts';
import {
  companyPrefixes,
  companySuffixes,
  companyTrades,
  firstNames,
  indianPlaces,
  lastNames,
  leadBriefs,
  lostReasons,
  type Place,
  products,
  type Region,
  sources,
  tagsPool,
} from './demo-leads.data.ts';

/**
 * One prospect before anyone owns it: who they are, what they want, and how far they have come through the
 * pipeline by "now". Owners, warriors and the why are decided afterwards, in order of arrival.
 */
export interface Draft {
  /** Its place in the series: the plan rolls this lead's own dice from it. */
  index: number;
  name: string;
  first: string;
  company: string;
  emails: string[];
  phones: string[];
  source: string;
  campaign: string | null;
  product: string;
  place: Place;
  value: number;
  seats: number;
  tags: string[];
  brief: string | null;
  /** The stages reached and when, starting with New at creation. */
  path: { stage: string; at: number }[];
  lostReason: string | null;
  partner: boolean;
  unassigned: boolean;
}

export const openStages = ['new', 'demo', 'proposal', 'trial'] as const;
type OpenStage = (typeof openStages)[number];

/** How long a lead sits in a stage (days, from-to) before it moves, and where it tends to go next. */
const dwell: Record<OpenStage, [number, number]> = {
  new: [0.3, 8],
  demo: [2, 14],
  proposal: [3, 20],
  trial: [7, 28],
};
const moves: Record<OpenStage, [string, number][]> = {
  new: [
    ['demo', 68],
    ['proposal', 8],
    ['lost', 13],
    ['stay', 11],
  ],
  demo: [
    ['proposal', 60],
    ['trial', 10],
    ['won', 6],
    ['lost', 13],
    ['stay', 11],
  ],
  proposal: [
    ['trial', 50],
    ['won', 18],
    ['lost', 19],
    ['stay', 13],
  ],
  trial: [
    ['won', 62],
    ['lost', 24],
    ['stay', 14],
  ],
};

const isOpen = (stage: string): stage is OpenStage => (openStages as readonly string[]).includes(stage);
const regions: Region[] = ['west', 'north', 'south', 'east'];
/** Domains are made from company names; one place to change them. */
const domainEndings = ['.in', '.co.in', '.com'];
/** Indian mobile numbers start with 6 to 9; the older 9 and 8 series are the most common. */
const leadingDigits: [string, number][] = [
  ['9', 4],
  ['8', 3],
  ['7', 3],
  ['6', 1],
];

export class Drafter {
  private readonly usedNames = new Set<string>();
  private readonly usedCompanies = new Set<string>();
  private readonly usedPhones = new Set<string>();

  private readonly seed: number;
  private readonly now: number;
  private count = 0;
  private dice: Dice;

  constructor(seed: number, now: number) {
    this.seed = seed;
    this.now = now;
    this.dice = new Dice(seed);
  }

  draft(
    options: { places?: Place[]; source?: string; campaign?: string; unassigned?: boolean; partner?: boolean } = {},
  ): Draft {
    const index = this.count++;
    this.dice = Dice.for(this.seed, index);
    const { dice } = this;
    const place = dice.weighted(options.places ?? indianPlaces, (p) => p.weight);
    const source = options.source ?? dice.weighted(sources, (s) => s.weight).source;
    const campaigns = sources.find((s) => s.source === source)?.campaigns ?? [null];
    const product = dice.weighted(products, (p) => p.weight);
    const [first, last] = this.person(place.region);
    const company = this.company(place);
    const domain = `${slug(company)}${dice.pick(domainEndings)}`;
    const seats = dice.pick([5, 8, 10, 12, 15, 20, 25, 40, 60]);
    const emails = dice.chance(0.9) ? [this.email(first, last, domain)] : [];
    if (emails.length > 0 && dice.chance(0.12)) emails.push(`${dice.pick(['accounts', 'info', 'purchase'])}@${domain}`);
    const phones = [this.mobile()];
    if (dice.chance(0.15)) phones.push(this.mobile());
    const value = Math.round(dice.between(...product.value) / 1000) * 1000;
    const campaign = options.campaign ?? dice.pick(campaigns);
    const brief = dice.chance(0.3)
      ? dice.pick(leadBriefs).replace('{seats}', String(seats)).replace('{city}', place.city)
      : null;
    // The timeline last: how far a lead has come depends on the hour the seed runs, who it is does not.
    const created = this.arrival(source, options.unassigned === true);
    const path = options.unassigned ? [{ stage: 'new', at: created }] : this.journey(created);
    const stage = path[path.length - 1]?.stage ?? 'new';
    return {
      index,
      name: `${first} ${last}`,
      first,
      company,
      emails,
      phones,
      source,
      campaign,
      product: product.name,
      place,
      value,
      seats,
      tags: this.tags(path.map((p) => p.stage)),
      brief,
      path,
      lostReason: stage === 'lost' ? dice.pick(lostReasons) : null,
      partner: options.partner === true,
      unassigned: options.unassigned === true,
    };
  }

  private person(region: Region): [string, string] {
    for (;;) {
      const from = this.dice.chance(0.8) ? region : this.dice.pick(regions);
      const first = this.dice.pick(firstNames[from]);
      const last = this.dice.pick(lastNames[from]);
      if (!this.usedNames.has(`${first} ${last}`)) {
        this.usedNames.add(`${first} ${last}`);
        return [first, last];
      }
    }
  }

  private company(place: Place): string {
    for (;;) {
      const trade = this.dice.pick(companyTrades);
      const suffix = this.dice.pick(companySuffixes);
      const prefix = this.dice.chance(0.1) ? place.city : this.dice.pick(companyPrefixes);
      const name = [prefix, trade, suffix].filter(Boolean).join(' ');
      if (!this.usedCompanies.has(name)) {
        this.usedCompanies.add(name);
        return name;
      }
    }
  }

  private email(first: string, last: string, domain: string): string {
    const f = slug(first);
    const l = slug(last);
    const local = this.dice.pick([`${f}.${l}`, `${f}.${l}`, f, `${f[0]}${l}`, `${f}${l[0]}`]);
    return `${local}@${domain}`;
  }

  /** An Indian mobile number that the numbering plan accepts (not every 6-9 prefix is allotted). */
  private mobile(): string {
    for (;;) {
      let [digits] = this.dice.weighted(leadingDigits, ([, weight]) => weight);
      while (digits.length < 10) digits += String(this.dice.int(0, 9));
      const number = `+91${digits}`;
      if (toE164(number, 'IN') === number && !this.usedPhones.has(number)) {
        this.usedPhones.add(number);
        return number;
      }
    }
  }

  /**
   * When the lead came in: over the last six months, busier lately. Web and social leads arrive at any hour;
   * the rest when people work. Unassigned ones are fresh: they came in overnight and wait for someone.
   */
  private arrival(source: string, fresh: boolean): number {
    const { dice, now } = this;
    const recent = dice.chance(0.3);
    const days = dice.between(0, recent ? 30 : 180);
    const inOffice = dice.chance(0.6) || !['web_form', 'facebook', 'api', 'whatsapp'].includes(source);
    const early = now - dice.between(15, 600) * MINUTE;
    if (fresh) return now - dice.between(2, 30) * HOUR;
    const at = inOffice ? officeHours(now - days * DAY, dice) : now - days * DAY;
    return at > now - 15 * MINUTE ? early : at;
  }

  /** The stages reached: each move after a realistic stay, some skip a stage, any may be lost. */
  private journey(created: number): { stage: string; at: number }[] {
    const path = [{ stage: 'new', at: created }];
    let stage = 'new';
    let at = created;
    while (isOpen(stage)) {
      const [min, max] = dwell[stage];
      const next = officeHours(at + this.dice.between(min, max) * DAY, this.dice);
      const [to] = this.dice.weighted(moves[stage], ([, weight]) => weight);
      if (to === 'stay' || next > this.now - 10 * MINUTE) break;
      path.push({ stage: to, at: next });
      stage = to;
      at = next;
    }
    return path;
  }

  private tags(stages: string[]): string[] {
    const tags = this.dice.some(
      tagsPool,
      this.dice.weighted([0, 1, 2, 3], (n) => [4, 4, 2, 1][n] ?? 1),
    );
    if (stages.includes('demo') && this.dice.chance(0.4) && !tags.includes('demo-done')) tags.push('demo-done');
    return tags.filter((t) => t !== 'demo-done' || stages.includes('demo'));
  }
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/\b(pvt|ltd|llp|private|limited|co)\b/g, '')
    .replace(/[^a-z]/g, '');
}
