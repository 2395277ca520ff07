import type { components, paths } from '../../lib/api-types';

/** The shapes of the scheduled reports API (`/api/v1/report-schedules`), from the generated types. */
type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type Schedule = components['schemas']['ReportSchedule'];
export type CreateScheduleBody = Json<paths['/api/v1/report-schedules']['post']['requestBody']>;
export type UpdateScheduleBody = Json<paths['/api/v1/report-schedules/{id}']['patch']['requestBody']>;
export type SendNowResult = Json<paths['/api/v1/report-schedules/{id}/send-now']['post']['responses'][202]>;
export type Delivery = SendNowResult['deliveries'][number];
export type Frequency = Schedule['frequency'];
export type ScheduleFormat = Schedule['format'];
export type ScheduleRange = NonNullable<CreateScheduleBody['range']>;
