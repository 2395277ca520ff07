import { createBrowserRouter } from 'react-router';
import { NotFoundPage } from '../components/StatusPages';
import { ForgotPasswordPage } from '../features/auth/ForgotPasswordPage';
import { LoginPage } from '../features/auth/LoginPage';
import { RequireAuth } from '../features/auth/RequireAuth';
import { RequirePermission } from '../features/auth/RequirePermission';
import { ResetPasswordPage } from '../features/auth/ResetPasswordPage';
import { settingsRoute } from '../features/settings/routes';
import { FormatScope } from './FormatScope';
import { AppLayout } from './layout/AppLayout';
import { lazyPage } from './lazyPage';

// Every page is its own chunk, fetched when first opened; the shell, sign-in and session load up front.
const CalendarPage = lazyPage(() => import('../features/activities/CalendarPage'), 'CalendarPage');
const MyDayPage = lazyPage(() => import('../features/activities/MyDayPage'), 'MyDayPage');
const ApiKeysPage = lazyPage(() => import('../features/api-keys/ApiKeysPage'), 'ApiKeysPage');
const AuditPage = lazyPage(() => import('../features/audit/AuditPage'), 'AuditPage');
const DashboardPage = lazyPage(() => import('../features/dashboard/DashboardPage'), 'DashboardPage');
const DuplicatesPage = lazyPage(() => import('../features/duplicates/DuplicatesPage'), 'DuplicatesPage');
const MergePage = lazyPage(() => import('../features/duplicates/MergePage'), 'MergePage');
const ImportsPage = lazyPage(() => import('../features/imports/ImportsPage'), 'ImportsPage');
const ImportWizardPage = lazyPage(() => import('../features/imports/ImportWizardPage'), 'ImportWizardPage');
const BoardPage = lazyPage(() => import('../features/leads/BoardPage'), 'BoardPage');
const LeadPage = lazyPage(() => import('../features/leads/LeadPage'), 'LeadPage');
const LeadsPage = lazyPage(() => import('../features/leads/LeadsPage'), 'LeadsPage');
const ActivityListPage = lazyPage(() => import('../features/reports/ActivityListPage'), 'ActivityListPage');
const ReportBuilderPage = lazyPage(() => import('../features/reports/ReportBuilderPage'), 'ReportBuilderPage');
const ReportPage = lazyPage(() => import('../features/reports/ReportPage'), 'ReportPage');
const ReportsPage = lazyPage(() => import('../features/reports/ReportsPage'), 'ReportsPage');
const SchedulesPage = lazyPage(() => import('../features/report-schedules/SchedulesPage'), 'SchedulesPage');
const TargetsPage = lazyPage(() => import('../features/targets/TargetsPage'), 'TargetsPage');
const CustomerValuePage = lazyPage(() => import('../features/customer-value/CustomerValuePage'), 'CustomerValuePage');
const ForecastPage = lazyPage(() => import('../features/forecasts/ForecastPage'), 'ForecastPage');
const AtRiskPage = lazyPage(() => import('../features/risk/AtRiskPage'), 'AtRiskPage');
const FilesPage = lazyPage(() => import('../features/files/FilesPage'), 'FilesPage');
const TicketsPage = lazyPage(() => import('../features/tickets/TicketsPage'), 'TicketsPage');
const SupportFormPage = lazyPage(() => import('../features/support-form/SupportFormPage'), 'SupportFormPage');
const TicketPage = lazyPage(() => import('../features/tickets/TicketPage'), 'TicketPage');
const ProfilePage = lazyPage(() => import('../features/profile/ProfilePage'), 'ProfilePage');
const TrashPage = lazyPage(() => import('../features/trash/TrashPage'), 'TrashPage');
const ActiveUsersPage = lazyPage(() => import('../features/users/ActiveUsersPage'), 'ActiveUsersPage');
const UserDetailPage = lazyPage(() => import('../features/users/UserDetailPage'), 'UserDetailPage');
const UsersPage = lazyPage(() => import('../features/users/UsersPage'), 'UsersPage');

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  { path: '/forgot-password', element: <ForgotPasswordPage /> },
  { path: '/reset-password', element: <ResetPasswordPage /> },
  { path: '/support/:key', element: <SupportFormPage /> },
  {
    element: (
      <RequireAuth>
        <FormatScope>
          <AppLayout />
        </FormatScope>
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
        path: 'reports',
        element: (
          <RequirePermission permission="reports:read">
            <ReportsPage />
          </RequirePermission>
        ),
      },
      {
        path: 'reports/new',
        element: (
          <RequirePermission permission="reports:build">
            <ReportBuilderPage />
          </RequirePermission>
        ),
      },
      {
        path: 'reports/schedules',
        element: (
          <RequirePermission permission="reports:read">
            <SchedulesPage />
          </RequirePermission>
        ),
      },
      {
        path: 'files',
        element: (
          <RequirePermission permission="files:read">
            <FilesPage />
          </RequirePermission>
        ),
      },
      {
        path: 'tickets',
        element: (
          <RequirePermission permission="tickets:read">
            <TicketsPage />
          </RequirePermission>
        ),
      },
      {
        path: 'tickets/:id',
        element: (
          <RequirePermission permission="tickets:read">
            <TicketPage />
          </RequirePermission>
        ),
      },
      {
        path: 'targets',
        element: (
          <RequirePermission permission="targets:manage">
            <TargetsPage />
          </RequirePermission>
        ),
      },
      {
        path: 'insights/customers',
        element: (
          <RequirePermission permission="insights:read">
            <CustomerValuePage />
          </RequirePermission>
        ),
      },
      {
        path: 'insights/at-risk',
        element: (
          <RequirePermission permission="insights:read">
            <AtRiskPage />
          </RequirePermission>
        ),
      },
      {
        path: 'forecast',
        element: (
          <RequirePermission permission="insights:read">
            <ForecastPage />
          </RequirePermission>
        ),
      },
      {
        path: 'reports/:key/edit',
        element: (
          <RequirePermission permission="reports:build">
            <ReportBuilderPage />
          </RequirePermission>
        ),
      },
      {
        path: 'reports/:key',
        element: (
          <RequirePermission permission="reports:read">
            <ReportPage />
          </RequirePermission>
        ),
      },
      {
        path: 'activities',
        element: (
          <RequirePermission permission="activities:read">
            <ActivityListPage />
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
