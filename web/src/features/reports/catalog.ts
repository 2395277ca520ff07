import { groupLabels } from './chartLabels';
import type { ChartKind } from './reports.types';

export interface CatalogEntry {
  key: string;
  name: string;
  group: string;
  description?: string | null;
  chart: ChartKind;
  saved?: boolean;
}

const groupOrder = Object.keys(groupLabels);

/** The catalog grouped in its groups' order (unknown groups last), narrowed by a search over names and descriptions. */
export function groupCatalog<T extends CatalogEntry>(entries: readonly T[], search: string): [string, T[]][] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = entries.filter((entry) => {
    const text = `${entry.name} ${entry.description ?? ''} ${groupLabels[entry.group] ?? entry.group}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
  const groups = new Map<string, T[]>();
  for (const entry of matches) groups.set(entry.group, [...(groups.get(entry.group) ?? []), entry]);
  const rank = (group: string) => {
    const i = groupOrder.indexOf(group);
    return i === -1 ? groupOrder.length : i;
  };
  return [...groups.entries()].sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
}
