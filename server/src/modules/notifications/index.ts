/**
 * The public face of the notifications module: what other modules may use. Anything not exported here is the
 * module's own; another module never reaches into its files (npm run check holds this).
 */
export { liveNotifications } from './notifications.live.ts';
export { preferencesOf } from './notifications.preferences.ts';
export { notify } from './notifications.service.ts';
