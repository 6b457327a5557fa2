// The web app: a client of the public API, served by the same server at /.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { ApiError } from './api.ts';
import { AuthProvider } from './auth.tsx';
import { Layout } from './components/Layout.tsx';
import { Loading } from './components/common.tsx';
// The two pages most visits start on load with the app; the others when first opened.
import Catalog from './pages/Catalog.tsx';
import Roadmap from './pages/Roadmap.tsx';
import './styles.css';

const Step = lazy(() => import('./pages/Step.tsx'));
const Dashboard = lazy(() => import('./pages/Dashboard.tsx'));
const Settings = lazy(() => import('./pages/Settings.tsx'));
const Profile = lazy(() => import('./pages/Profile.tsx'));
const NotFound = lazy(() => import('./pages/Profile.tsx').then((m) => ({ default: m.NotFound })));
const Login = lazy(() => import('./pages/Auth.tsx').then((m) => ({ default: m.Login })));
const Signup = lazy(() => import('./pages/Auth.tsx').then((m) => ({ default: m.Signup })));
const ResetPassword = lazy(() => import('./pages/Auth.tsx').then((m) => ({ default: m.ResetPassword })));
const AuthorList = lazy(() => import('./pages/Author.tsx').then((m) => ({ default: m.AuthorList })));
const AuthorEdit = lazy(() => import('./pages/Author.tsx').then((m) => ({ default: m.AuthorEdit })));
const VerifyEmail = lazy(() => import('./pages/Auth.tsx').then((m) => ({ default: m.VerifyEmail })));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      // A 4xx will not change by asking again; a network failure might.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 3,
    },
  },
});

const page = (element: React.ReactNode) => <Suspense fallback={<Loading />}>{element}</Suspense>;

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: '/', element: page(<Catalog />) },
      { path: '/roadmaps/:slug', element: page(<Roadmap />) },
      { path: '/roadmaps/:slug/steps/:stepSlug', element: page(<Step />) },
      { path: '/signup', element: page(<Signup />) },
      { path: '/login', element: page(<Login />) },
      { path: '/reset-password', element: page(<ResetPassword />) },
      { path: '/verify-email', element: page(<VerifyEmail />) },
      { path: '/dashboard', element: page(<Dashboard />) },
      { path: '/settings', element: page(<Settings />) },
      { path: '/u/:handle', element: page(<Profile />) },
      { path: '/author', element: page(<AuthorList />) },
      { path: '/author/:slug', element: page(<AuthorEdit />) },
      { path: '*', element: page(<NotFound />) },
    ],
  },
]);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <RouterProvider router={router} />
      </AuthProvider>
    </QueryClientProvider>
  </StrictMode>,
);
