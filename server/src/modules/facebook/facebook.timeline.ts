import { Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';
import type { TimelineSource } from '../timeline/index.ts';
import { leadEvents } from './facebook.repository.ts';

const Answers = Type.Array(Type.Object({ name: Type.String(), values: Type.Array(Type.String()) }));

/**
 * The Lead Ads form a lead came through: the ad, ad set, campaign and form names, and the answers no field of
 * the mapping took (kept here, so nothing the person filled in is lost).
 */
export const facebookTimelineSource: TimelineSource = {
  kind: 'facebook_lead',
  schema: Type.Object({
    leadgenId: Type.String(),
    status: Type.String({ description: 'created, merged or skipped (an existing lead had it)' }),
    formId: Nullable(Type.String()),
    formName: Nullable(Type.String()),
    adName: Nullable(Type.String()),
    adsetName: Nullable(Type.String()),
    campaignName: Nullable(Type.String()),
    submittedAt: Nullable(Type.String({ format: 'date-time' })),
    unmapped: Answers,
  }),
  async load(trx, q) {
    const rows = await leadEvents(trx, q.lead.id, q.before, q.limit);
    // The campaign is a lead field: a role that may not see it does not see it here either.
    const campaignHidden = (q.access.fields as Record<string, string>).campaign === 'hidden';
    return rows.map((row) => ({
      id: row.id,
      atUs: Number(row.at_us),
      kind: 'facebook_lead',
      actor: null,
      data: {
        leadgenId: row.leadgen_id ?? '',
        status: row.status,
        formId: row.form_id,
        formName: row.form_name,
        adName: row.ad_name,
        adsetName: row.adset_name,
        campaignName: campaignHidden ? null : row.campaign_name,
        submittedAt: row.created_time ? new Date(row.created_time).toISOString() : null,
        unmapped: (row.unmapped ?? []) as unknown[],
      },
    }));
  },
};
