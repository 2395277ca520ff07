import { type Static, Type } from 'typebox';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { recordAudit } from '../audit/index.ts';

export const reminderChannels = ['in_app', 'email', 'both'] as const;
export type ReminderChannel = (typeof reminderChannels)[number];

export const Preferences = Type.Object(
  {
    reminderChannel: Type.Unsafe<ReminderChannel>({
      type: 'string',
      enum: [...reminderChannels],
      description: 'Where follow-up reminders go: the notification centre, e-mail, or both',
    }),
    reminderMinutesBefore: Type.Integer({
      minimum: 0,
      maximum: 10_080,
      description: 'How long before a follow-up is due to remind (0 to 10080 minutes, a week)',
    }),
  },
  { additionalProperties: false },
);
export type PreferencesDto = Static<typeof Preferences>;

/** What a user gets until it says otherwise. */
export const defaultPreferences: PreferencesDto = { reminderChannel: 'in_app', reminderMinutesBefore: 15 };

export async function preferencesOf(trx: Tx, userId: string): Promise<PreferencesDto> {
  const row = await trx
    .selectFrom('notification_preferences')
    .select(['reminder_channel', 'reminder_minutes_before'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) return { ...defaultPreferences };
  return {
    reminderChannel: row.reminder_channel as ReminderChannel,
    reminderMinutesBefore: row.reminder_minutes_before,
  };
}

export async function getPreferences(deps: Deps, ctx: RequestContext): Promise<PreferencesDto> {
  return withTenant(deps.db, ctx.actor.companyId, (trx) => preferencesOf(trx, ctx.actor.userId));
}

/**
 * Saves the caller's preferences; `afterChange` runs in the same transaction (the activities module re-plans
 * the reminders that follow the preference), so a new lead time applies to follow-ups already scheduled.
 */
export async function putPreferences(
  deps: Deps,
  ctx: RequestContext,
  body: PreferencesDto,
  afterChange: (trx: Tx, companyId: string, userId: string, now: Date) => Promise<void>,
): Promise<PreferencesDto> {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await preferencesOf(trx, ctx.actor.userId);
    const now = deps.clock.now();
    await trx
      .insertInto('notification_preferences')
      .values({
        company_id: ctx.actor.companyId,
        user_id: ctx.actor.userId,
        reminder_channel: body.reminderChannel,
        reminder_minutes_before: body.reminderMinutesBefore,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['company_id', 'user_id']).doUpdateSet({
          reminder_channel: body.reminderChannel,
          reminder_minutes_before: body.reminderMinutesBefore,
          updated_at: now,
        }),
      )
      .execute();
    if (before.reminderMinutesBefore !== body.reminderMinutesBefore) {
      await afterChange(trx, ctx.actor.companyId, ctx.actor.userId, now);
    }
    await recordAudit(trx, ctx, {
      action: 'notification_preferences.updated',
      entityType: 'user',
      entityId: ctx.actor.userId,
      before: { ...before },
      after: { ...body },
      at: now,
    });
    return { reminderChannel: body.reminderChannel, reminderMinutesBefore: body.reminderMinutesBefore };
  });
}
