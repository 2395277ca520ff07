/** Dimensions over a few fixed values (statuses, kinds, tiers), named in the layer's own words. */
import { type RawBuilder, sql } from 'kysely';
import type { Dimension } from '../semantic.ts';

/** A name for each of a few fixed values, as literals (the layer's own words, never the caller's). */
export const named = (value: RawBuilder<unknown>, names: Record<string, string>) =>
  sql`CASE ${sql.join(
    Object.entries(names).map(([k, v]) => sql`WHEN ${value} = ${sql.lit(k)} THEN ${sql.lit(v)}`),
    sql` `,
  )} END`;

/** A column of fixed values, named and kept in the order given. */
export const fixedDimension = (label: string, column: string, names: Record<string, string>): Dimension => ({
  label,
  kind: 'text',
  expr: () => sql.ref(column),
  labelExpr: (value) => sql`min(${named(value, names)})`,
  labelInner: true,
  order: (v, c) => c.d.position(Object.keys(names), v),
});
