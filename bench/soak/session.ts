/**
 * A virtual user's working session: what a salesperson, a manager or a warrior does in the web app, one action
 * at a time with think time between (exponential, mean SOAK_THINK_SECONDS), each action the requests its page
 * makes. The notification stream is held open beside it for the whole session.
 */
import type { Client } from './client.ts';

export interface World {
  /** Open stages a lead may be moved to without further fields. */
  openStages: string[];
  thinkMs: number;
  /** Sessions stop starting actions at this time (ms since the epoch). */
  until: number;
  notifications: { received: number };
}

interface LeadRef {
  id: string;
  stage: string;
  /** Its owner and warriors: people who see it, so they may be mentioned in its notes. */
  people: { id: string; name: string }[];
}

interface LeadRow {
  id: string;
  stage: string;
  ownerId?: string | null;
  ownerName?: string | null;
  warriors?: { id: string; name: string }[];
}

const familyNames = ['kulkarni', 'sharma', 'iyer', 'patel', 'reddy', 'nair', 'gupta', 'mehta', 'joshi', 'rao'];
const firstNames = ['priya', 'rahul', 'ananya', 'arjun', 'sneha', 'vikram', 'pooja', 'karan', 'meera', 'rohan'];
const sorts = ['-updatedAt', '-expectedValue', 'name', 'expectedCloseDate'];
const outcomes = [
  'Spoke to them; sending a quote',
  'No answer; will try again',
  'Demo booked',
  'Asked for a call back',
];

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
/** Exponentially distributed, mean `mean`: the gaps between a person's clicks. */
export const exponential = (mean: number) => -Math.log(1 - Math.random()) * mean;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const DAY = 86_400_000;

export class Session {
  private leads: LeadRef[] = [];
  private followUps: { id: string; version: number }[] = [];

  private readonly client: Client;
  private readonly world: World;
  /** The actions and how often a person takes each (weights). */
  private readonly actions: [number, () => Promise<unknown>][];

  constructor(client: Client, world: World, role: 'MANAGER' | 'SALESPERSON' | 'WARRIOR') {
    this.client = client;
    this.world = world;
    this.actions = [
      [18, () => this.list()],
      [10, () => this.filter()],
      [10, () => this.search()],
      [20, () => this.open()],
      [8, () => this.note()],
      [6, () => this.moveStage()],
      [6, () => this.schedule()],
      [6, () => this.complete()],
      [8, () => this.myDay()],
      [3, () => this.client.call('notifications: list', 'GET', '/api/v1/notifications?limit=20')],
      [4, () => this.client.call('leads: stage counts', 'GET', '/api/v1/leads/counts')],
      // The team page: managers and salespeople see their people.
      [role === 'WARRIOR' ? 0 : 1, () => this.client.call('users: list', 'GET', '/api/v1/users?limit=50')],
    ];
  }

  private remember(page: unknown): void {
    const data = (page as { data: LeadRow[] } | null)?.data;
    if (!data || data.length === 0) return;
    this.leads = data.map((l) => ({
      id: l.id,
      stage: l.stage,
      people: [...(l.ownerId && l.ownerName ? [{ id: l.ownerId, name: l.ownerName }] : []), ...(l.warriors ?? [])],
    }));
  }

  /** A lead from the list on screen; reads the list first when there is none yet. */
  private async aLead(): Promise<LeadRef | undefined> {
    if (this.leads.length === 0) this.remember(await this.client.call('leads: list', 'GET', '/api/v1/leads?limit=50'));
    return this.leads.length ? pick(this.leads) : undefined;
  }

  private async list() {
    this.remember(await this.client.call('leads: list', 'GET', '/api/v1/leads?limit=50'));
  }

  private async filter() {
    const stages = [pick(this.world.openStages), pick(this.world.openStages)].join(',');
    const path = `/api/v1/leads?limit=50&stage=${encodeURIComponent(stages)}&sort=${pick(sorts)}`;
    this.remember(await this.client.call('leads: filter and sort', 'GET', path));
  }

  private async search() {
    const q = Math.random() < 0.6 ? pick(familyNames) : `${pick(firstNames)} ${pick(familyNames)}`;
    const path = `/api/v1/leads?limit=50&q=${encodeURIComponent(q)}`;
    this.remember(await this.client.call('leads: search', 'GET', path));
  }

  /** The lead page: the lead and its timeline, read together as the page does. */
  private async open() {
    const lead = await this.aLead();
    if (!lead) return;
    await Promise.all([
      this.client.call('lead: open', 'GET', `/api/v1/leads/${lead.id}`),
      this.client.call('lead: timeline', 'GET', `/api/v1/leads/${lead.id}/timeline`),
    ]);
  }

  private async note() {
    const lead = await this.aLead();
    if (!lead) return;
    let text = `Called ${new Date().toISOString().slice(11, 16)}: ${pick(outcomes)}`;
    // One note in four asks a colleague on the lead (its owner or a warrior) for something: a mention, which
    // notifies them on their stream.
    const colleagues = lead.people.filter((p) => p.id !== this.client.userId && p.name);
    if (colleagues.length > 0 && Math.random() < 0.25) {
      const colleague = pick(colleagues);
      text += ` @[${colleague.name}](${colleague.id}) can you follow up?`;
    }
    const body = { body: text };
    await this.client.call('lead: add note', 'POST', `/api/v1/leads/${lead.id}/notes`, body);
  }

  /** Along the open stages: reopening a won or lost lead is a manager's decision, not a daily click. */
  private async moveStage() {
    const lead = await this.aLead();
    if (!lead || !this.world.openStages.includes(lead.stage)) return;
    const to = pick(this.world.openStages.filter((s) => s !== lead.stage));
    if (!to) return;
    const moved = await this.client.call('lead: move stage', 'POST', `/api/v1/leads/${lead.id}/stage`, { stage: to });
    if (moved) lead.stage = to;
  }

  private async schedule() {
    const lead = await this.aLead();
    if (!lead) return;
    const dueAt = new Date(Date.now() + (0.05 + Math.random() * 3) * DAY).toISOString();
    const created = (await this.client.call('follow-up: schedule', 'POST', '/api/v1/activities', {
      leadId: lead.id,
      type: 'follow_up',
      dueAt,
    })) as { id: string; version: number } | null;
    if (created) this.followUps.push({ id: created.id, version: created.version });
  }

  private async complete() {
    const followUp = this.followUps.shift();
    if (!followUp) return this.schedule();
    await this.client.call('follow-up: complete', 'POST', `/api/v1/activities/${followUp.id}/complete`, {
      outcome: pick(outcomes),
      version: followUp.version,
    });
  }

  /** The My day page: its four lists, read at once. */
  private async myDay() {
    const now = Date.now();
    const lists = [
      'assigneeId=me&range=overdue&limit=200',
      'assigneeId=me&range=today&type=follow_up,meeting&status=open,missed&limit=200',
      `assigneeId=me&type=follow_up,meeting&status=done&dueFrom=${new Date(now - 35 * DAY).toISOString()}&sort=-dueAt&limit=200`,
      `assigneeId=me&type=follow_up,meeting&status=open&dueFrom=${new Date(now).toISOString()}&dueTo=${new Date(now + 7 * DAY).toISOString()}&limit=100`,
    ];
    await Promise.all(lists.map((q) => this.client.call('my day: activities', 'GET', `/api/v1/activities?${q}`)));
  }

  async run(): Promise<void> {
    const total = this.actions.reduce((a, [w]) => a + w, 0);
    // People do not all click at once: each starts after its own first think time.
    await sleep(exponential(this.world.thinkMs));
    while (Date.now() < this.world.until) {
      let roll = Math.random() * total;
      for (const [weight, action] of this.actions) {
        roll -= weight;
        if (roll >= 0) continue;
        await action();
        break;
      }
      await sleep(Math.min(exponential(this.world.thinkMs), Math.max(0, this.world.until - Date.now())));
    }
  }
}
