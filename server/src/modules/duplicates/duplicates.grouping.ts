import { type MatchKey, matchConfidence } from './duplicates.match.ts';
import type { GroupMember, StoredGroup } from './duplicates.repository.ts';

/** Two leads found alike on one key; `score` is the names' similarity for `name` (1 for e-mail and phone). */
export interface Pair {
  a: string;
  b: string;
  key: MatchKey;
  score: number;
}

export interface Component {
  members: GroupMember[];
  /**
   * The weakest link of the strongest chain joining the leads (a maximum spanning tree's smallest edge), each
   * link as sure as everything its two leads share makes it (`matchConfidence`).
   */
  confidence: number;
  matchedOn: MatchKey[];
}

const KEY_ORDER: MatchKey[] = ['email', 'phone', 'name'];

/**
 * The groups a set of pairs makes: leads joined by any chain of pairs are one group. Pairs are taken strongest
 * first (Kruskal), so a group's confidence is the weakest link it needs, not the weakest pair it contains.
 */
export function groupPairs(pairs: Pair[]): Component[] {
  const edges = new Map<string, { a: string; b: string; score: number; nameScore: number; keys: Set<MatchKey> }>();
  for (const p of pairs) {
    const [a, b] = p.a < p.b ? [p.a, p.b] : [p.b, p.a];
    const id = `${a}|${b}`;
    const nameScore = p.key === 'name' ? p.score : 0;
    const edge = edges.get(id);
    if (!edge) edges.set(id, { a, b, score: 0, nameScore, keys: new Set([p.key]) });
    else {
      edge.nameScore = Math.max(edge.nameScore, nameScore);
      edge.keys.add(p.key);
    }
  }
  for (const edge of edges.values()) edge.score = matchConfidence([...edge.keys], edge.nameScore);
  const parent = new Map<string, string>();
  const confidence = new Map<string, number>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    let node = x;
    while (node !== root) {
      const next = parent.get(node) as string;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  const sorted = [...edges.values()].sort((x, y) => y.score - x.score || (x.a + x.b).localeCompare(y.a + y.b));
  for (const { a, b } of sorted) {
    for (const x of [a, b]) {
      if (!parent.has(x)) {
        parent.set(x, x);
        confidence.set(x, 1);
      }
    }
  }
  for (const edge of sorted) {
    const ra = find(edge.a);
    const rb = find(edge.b);
    if (ra === rb) continue;
    parent.set(rb, ra);
    confidence.set(ra, Math.min(confidence.get(ra) ?? 1, confidence.get(rb) ?? 1, edge.score));
  }
  const components = new Map<string, { keys: Set<MatchKey>; members: Map<string, Set<MatchKey>> }>();
  for (const edge of sorted) {
    const root = find(edge.a);
    const component = components.get(root) ?? { keys: new Set<MatchKey>(), members: new Map<string, Set<MatchKey>>() };
    components.set(root, component);
    for (const key of edge.keys) component.keys.add(key);
    for (const lead of [edge.a, edge.b]) {
      const keys = component.members.get(lead) ?? new Set<MatchKey>();
      for (const key of edge.keys) keys.add(key);
      component.members.set(lead, keys);
    }
  }
  return [...components]
    .map(([root, c]) => ({
      confidence: Math.round((confidence.get(root) ?? 1) * 1000) / 1000,
      matchedOn: KEY_ORDER.filter((k) => c.keys.has(k)),
      members: [...c.members]
        .map(([leadId, keys]) => ({ leadId, matchedOn: KEY_ORDER.filter((k) => keys.has(k)) }))
        .sort((x, y) => x.leadId.localeCompare(y.leadId)),
    }))
    .sort((x, y) => y.members.length - x.members.length || y.confidence - x.confidence);
}

/** How a scan's groups land on the stored open ones: each stored group is reused by at most one component. */
export interface Reconciled {
  /** Stored groups found again, with what they hold now; `changed` when that differs from what is stored. */
  kept: { id: string; component: Component; changed: boolean }[];
  added: Component[];
  /** Stored open groups no component took. */
  gone: StoredGroup[];
}

export function reconcile(components: Component[], stored: StoredGroup[]): Reconciled {
  const groupsOfLead = new Map<string, StoredGroup[]>();
  for (const group of stored) {
    for (const m of group.members) groupsOfLead.set(m.leadId, [...(groupsOfLead.get(m.leadId) ?? []), group]);
  }
  const used = new Set<string>();
  const result: Reconciled = { kept: [], added: [], gone: [] };
  for (const component of components) {
    const overlap = new Map<string, number>();
    for (const m of component.members) {
      for (const g of groupsOfLead.get(m.leadId) ?? [])
        if (!used.has(g.id)) overlap.set(g.id, (overlap.get(g.id) ?? 0) + 1);
    }
    const best = [...overlap].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0];
    const group = best ? stored.find((g) => g.id === best[0]) : undefined;
    if (!group) {
      result.added.push(component);
      continue;
    }
    used.add(group.id);
    result.kept.push({ id: group.id, component, changed: !same(group, component) });
  }
  result.gone = stored.filter((g) => !used.has(g.id));
  return result;
}

function same(group: StoredGroup, component: Component): boolean {
  const key = (members: GroupMember[]) =>
    members
      .map((m) => `${m.leadId}:${m.matchedOn.join(',')}`)
      .sort()
      .join(';');
  return (
    Math.abs(group.confidence - component.confidence) < 1e-9 &&
    group.matchedOn.join(',') === component.matchedOn.join(',') &&
    key(group.members) === key(component.members)
  );
}
