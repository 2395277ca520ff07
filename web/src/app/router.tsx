import { createBrowserRouter } from 'react-router';
import { NotFoundPage } from '../components/StatusPages';
import { CalendarPage } from '../features/activities/CalendarPage';
import { MyDayPage } from '../features/activities/MyDayPage';
import { ApiKeysPage } from '../features/api-keys/ApiKeysPage';
import { AuditPage } from '../features/audit/AuditPage';
import { LoginPage } from '../features/auth/LoginPage';
import { RequireAuth } from '../features/auth/RequireAuth';
import { RequirePermission } from '../features/auth/RequirePermission';
import { DashboardPage } from '../features/dashboard/DashboardPage';
import { DuplicatesPage } from '../features/duplicates/DuplicatesPage';
import { MergePage } from '../features/duplicates/MergePage';
import { ImportsPage } from '../features/imports/ImportsPage';
import { ImportWizardPage } from '../features/imports/ImportWizardPage';
import { BoardPage } from '../features/leads/BoardPage';
import { LeadPage } from '../features/leads/LeadPage';
import { LeadsPage } from '../features/leads/LeadsPage';
import { ProfilePage } from '../features/profile/ProfilePage';
import { settingsRoute } from '../features/settings/routes';
import { TrashPage } from '../features/trash/TrashPage';
import { ActiveUsersPage } from '../features/users/ActiveUsersPage';
import { UserDetailPage } from '../features/users/UserDetailPage';
import { UsersPage } from '../features/users/UsersPage';
import { AppLayout } from './layout/AppLayout';

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  {
    element: (
      <RequireAuth>
        <AppLayout />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <DashboardPage /> },
      {
        path: 'my-day',
        element: (
          <RequirePermission permission="activities:read">
            <MyDayPage />
          </RequirePermission>
        ),
      },
      {
        path: 'calendar',
        element: (
          <RequirePermission permission="activities:read">
            <CalendarPage />
          </RequirePermission>
        ),
      },
      {
        path: 'users',
        element: (
          <RequirePermission permission="users:read">
            <UsersPage />
          </RequirePermission>
        ),
      },
      {
        path: 'users/active',
        element: (
          <RequirePermission permission="users:activity">
            <ActiveUsersPage />
          </RequirePermission>
        ),
      },
      {
        path: 'users/:id',
        element: (
          <RequirePermission permission="users:read">
            <UserDetailPage />
          </RequirePermission>
        ),
      },
      {
        path: 'leads',
        element: (
          <RequirePermission permission="leads:read">
            <LeadsPage />
          </RequirePermission>
        ),
      },
      {
        path: 'leads/board',
        element: (
          <RequirePermission permission="leads:read">
            <BoardPage />
          </RequirePermission>
        ),
      },
      {
        path: 'leads/import',
        element: (
          <RequirePermission permission="leads:import">
            <ImportsPage />
          </RequirePermission>
        ),
      },
      {
        path: 'leads/import/:id',
        element: (
          <RequirePermission permission="leads:import">
            <ImportWizardPage />
          </RequirePermission>
        ),
      },
      {
        path: 'leads/duplicates',
        element: (
          <RequirePermission permission="leads:read">
            <DuplicatesPage />
          </RequirePermission>
        ),
      },
      {
        path: 'leads/merge',
        element: (
          <RequirePermission permission="leads:merge">
            <MergePage />
          </RequirePermission>
        ),
      },
      {
        path: 'leads/trash',
        element: (
          <RequirePermission permission="leads:restore">
            <TrashPage />
          </RequirePermission>
        ),
      },
      {
        path: 'leads/:id',
        element: (
          <RequirePermission permission="leads:read">
            <LeadPage />
          </RequirePermission>
        ),
      },
      {
        path: 'audit',
        element: (
          <RequirePermission permission="audit:read">
            <AuditPage />
          </RequirePermission>
        ),
      },
      {
        path: 'api-keys',
        element: (
          <RequirePermission permission="api-keys:manage">
            <ApiKeysPage />
          </RequirePermission>
        ),
      },
      settingsRoute,
      { path: 'profile', element: <ProfilePage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
