import { Type } from 'typebox';
import { withTenant } from '../../db/client.ts';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps, type RequestContext } from '../../http/context.ts';
import { accessFieldOf, publicCatalog } from './lead-catalog.ts';
import { customAccess, fieldAccessFor } from './lead-fields.ts';
import { activeCustomFields } from './leads.repository.ts';

const Access = Type.Union([Type.Literal('read'), Type.Literal('write')], {
  description: 'What the caller may do with it; fields its role may not see are left out',
});

const BuiltInField = Type.Object(
  {
    key: Type.String({ description: 'The API name' }),
    type: Type.String(),
    display: Type.String({ description: 'How it is shown and edited' }),
    label: Type.String(),
    access: Access,
    permission: Type.String({
      description: 'always, controlled (field permissions), assignment (changed through /assign) or system',
    }),
    required: Type.Boolean(),
    options: Type.Optional(Type.Array(Type.String(), { description: 'The only values it takes' })),
    filter: Type.Optional(Type.Object({ kind: Type.String(), param: Type.Optional(Type.String()) })),
    sort: Type.Optional(Type.Object({ by: Type.String() })),
    search: Type.Boolean(),
    export: Type.Boolean(),
    import: Type.Boolean(),
    importTarget: Type.Optional(Type.String({ description: 'What an import mapping names it' })),
    fill: Type.Boolean(),
    merge: Type.Optional(Type.String()),
    condition: Type.Optional(Type.String()),
    timeline: Type.Boolean(),
    report: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const CustomField = Type.Object(
  {
    key: Type.String({ description: 'customFields.<key> in lead bodies, cf.<key> in list filters' }),
    label: Type.String(),
    type: Type.String(),
    options: Type.Array(Type.String()),
    required: Type.Boolean(),
    access: Access,
  },
  { additionalProperties: false },
);

export const LeadFieldCatalog = Type.Object(
  { builtIn: Type.Array(BuiltInField), custom: Type.Array(CustomField) },
  { additionalProperties: false },
);

/** The lead's fields as the caller sees them: the catalog's built-in fields and the company's custom fields. */
export async function leadFieldCatalog(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const [access, customDefs] = await Promise.all([fieldAccessFor(trx, ctx.actor.role), activeCustomFields(trx)]);
    const levelOf = (key: string, permission: string) => {
      const controlled = accessFieldOf(key);
      if (controlled) return access.fields[controlled];
      if (permission === 'system') return 'read';
      return access.canWrite ? 'write' : 'read';
    };
    const builtIn = publicCatalog().flatMap((f) => {
      const level = levelOf(f.key, f.access);
      if (level === 'hidden') return [];
      const {
        access: permission,
        required,
        sort,
        search,
        export: exported,
        import: imported,
        fill,
        timeline,
        options,
        ...rest
      } = f;
      return [
        {
          ...rest,
          ...(options ? { options: [...options] } : {}),
          access: level,
          permission,
          required: required === true,
          ...(sort ? { sort } : {}),
          search: search === true,
          export: exported === true,
          import: imported !== undefined,
          ...(imported ? { importTarget: imported.target ?? f.key } : {}),
          fill: fill === true,
          timeline: timeline === true,
        },
      ];
    });
    const custom = customDefs.flatMap((d) => {
      const level = customAccess(access, d.key);
      if (level === 'hidden') return [];
      return [{ key: d.key, label: d.label, type: d.type, options: d.options, required: d.required, access: level }];
    });
    return { builtIn, custom };
  });
}

export function leadCatalogRoutes(app: App, deps: Deps): void {
  app.get(
    '/leads/catalog',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags: ['leads'],
        summary: "The lead's fields: built-in ones from the catalog and the company's custom fields",
        description:
          'Each field says what it takes part in (list filter and its parameter, sort key, search, export, ' +
          'import mapping, duplicate fill, merge, assignment-rule condition, timeline, reports) and what the ' +
          "caller may do with it. Fields the caller's role may not see are left out.",
        response: { 200: LeadFieldCatalog },
      },
    },
    async (request) => leadFieldCatalog(deps, contextOf(request)),
  );
}
