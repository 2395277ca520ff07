import type { paths } from '../../lib/api-types';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Body<P extends keyof paths, M extends 'post' | 'patch'> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

export type Activity = JsonOf<paths['/api/v1/activities']['get']['responses'][200]>['data'][number];
export type ActivityQuery = NonNullable<paths['/api/v1/activities']['get']['parameters']['query']>;
export type CreateActivityBody = Body<'/api/v1/activities', 'post'>;
export type UpdateActivityBody = Body<'/api/v1/activities/{id}', 'patch'>;
export type CompleteBody = Body<'/api/v1/activities/{id}/complete', 'post'>;
export type NextActivity = NonNullable<CompleteBody['next']>;
export type RescheduleBody = Body<'/api/v1/activities/{id}/reschedule', 'post'>;
export type CancelBody = Body<'/api/v1/activities/{id}/cancel', 'post'>;
export type ActivityType = Activity['type'];
export type ActivityStatus = Activity['status'];
export type FollowUpChannel = NonNullable<CreateActivityBody['channel']>;
export type CallResult = NonNullable<CreateActivityBody['callResult']>;

export const channelLabels: Record<FollowUpChannel, string> = {
  call: 'Call',
  meeting: 'Meeting',
  demo: 'Demo',
  site_visit: 'Site visit',
  email: 'Email',
  whatsapp: 'WhatsApp',
  other: 'Other',
};

export const callResultLabels: Record<CallResult, string> = {
  connected: 'Connected',
  no_answer: 'No answer',
  busy: 'Busy',
  voicemail: 'Voicemail',
  wrong_number: 'Wrong number',
  other: 'Other',
};

export const statusLabels: Record<ActivityStatus, string> = {
  open: 'Open',
  done: 'Done',
  cancelled: 'Cancelled',
  missed: 'Missed',
};

export const statusColors: Record<ActivityStatus, string> = {
  open: 'brand',
  done: 'teal',
  cancelled: 'gray',
  missed: 'red',
};

export const typeLabels: Record<ActivityType, string> = {
  follow_up: 'Follow-up',
  call: 'Call',
  meeting: 'Meeting',
  note: 'Note',
};

/** Follow-ups and meetings are planned ahead; calls and notes are logged after the fact. */
export function isScheduled(type: string): boolean {
  return type === 'follow_up' || type === 'meeting';
}

/** Open or missed: something is still to be done about it. */
export function isPending(activity: Pick<Activity, 'status'>): boolean {
  return activity.status === 'open' || activity.status === 'missed';
}

export function channelLabel(channel: string | null | undefined): string | null {
  if (!channel) return null;
  return channelLabels[channel as FollowUpChannel] ?? channel;
}

export function callResultLabel(result: string | null | undefined): string | null {
  if (!result) return null;
  return callResultLabels[result as CallResult] ?? result;
}

/** "5 min", "1 h 20 min", "40 s". */
export function formatCallDuration(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined) return null;
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}
