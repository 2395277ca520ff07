import { createBrowserRouter } from 'react-router';
import { NotFoundPage } from '../components/StatusPages';
import { ApiKeysPage } from '../features/api-keys/ApiKeysPage';
import { AuditPage } from '../features/audit/AuditPage';
import { LoginPage } from '../features/auth/LoginPage';
import { RequireAuth } from '../features/auth/RequireAuth';
import { RequirePermission } from '../features/auth/RequirePermission';
import { DashboardPage } from '../features/dashboard/DashboardPage';
import { BoardPage } from '../features/leads/BoardPage';
import { LeadPage } from '../features/leads/LeadPage';
import { LeadsPage } from '../features/leads/LeadsPage';
import { ProfilePage } from '../features/profile/ProfilePage';
import { settingsRoute } from '../features/settings/routes';
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
        path: 'users',
        element: (
          <RequirePermission permission="users:read">
            <UsersPage />
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
