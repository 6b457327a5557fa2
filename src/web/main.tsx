// The web app: a client of the public API, served by the same server at /.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { ApiError } from './api.ts';
import { AuthProvider } from './auth.tsx';
import { Layout } from './components/Layout.tsx';
import { LeaveProvider } from './leave.tsx';
import { applyTheme, savedTheme } from './theme.ts';
import { Loading } from './components/common.tsx';
// The roadmap page (where most visits land) loads with the app; the others when first opened.
import Roadmap from './pages/Roadmap.tsx';
import './styles.css';

applyTheme(savedTheme());

const Catalog = lazy(() => import('./pages/Catalog.tsx'));
const Search = lazy(() => import('./pages/Search.tsx'));
const History = lazy(() => import('./pages/History.tsx'));
const Step = lazy(() => import('./pages/Step.tsx'));
const Notes = lazy(() => import('./pages/Notes.tsx'));
const Review = lazy(() => import('./pages/Review.tsx'));
const Dashboard = lazy(() => import('./pages/Dashboard.tsx'));
const Settings = lazy(() => import('./pages/Settings.tsx'));
const Profile = lazy(() => import('./pages/Profile.tsx'));
const NotFound = lazy(() => import('./pages/Profile.tsx').then((m) => ({ default: m.NotFound })));
const Login = lazy(() => import('./pages/Auth.tsx').then((m) => ({ default: m.Login })));
const Signup = lazy(() => import('./pages/Auth.tsx').then((m) => ({ default: m.Signup })));
const ResetPassword = lazy(() => import('./pages/Auth.tsx').then((m) => ({ default: m.ResetPassword })));
const AuthorList = lazy(() => import('./pages/Author.tsx').then((m) => ({ default: m.AuthorList })));
const AuthorEdit = lazy(() => import('./pages/AuthorEdit.tsx'));
const Admin = lazy(() => import('./pages/Admin.tsx'));
const VerifyEmail = lazy(() => import('./pages/Auth.tsx').then((m) => ({ default: m.VerifyEmail })));
const Unsubscribe = lazy(() => import('./pages/Unsubscribe.tsx'));
const Cohorts = lazy(() => import('./pages/Cohorts.tsx'));
const Cohort = lazy(() => import('./pages/Cohort.tsx'));
const Join = lazy(() => import('./pages/Join.tsx'));

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

// Declarative routes (not the data router): the roadmap page's first load carries ~18 KB gzip
// less JavaScript (budget in scripts/web-budget.ts). Scroll restoration and the leave guard are
// ours (navigation.tsx), a few lines each.
function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route
          element={
            <LeaveProvider>
              <Layout />
            </LeaveProvider>
          }
        >
          <Route path="/" element={page(<Catalog />)} />
          <Route path="/roadmaps/:slug" element={page(<Roadmap />)} />
          <Route path="/roadmaps/:slug/steps/:stepSlug" element={page(<Step />)} />
          <Route path="/signup" element={page(<Signup />)} />
          <Route path="/login" element={page(<Login />)} />
          <Route path="/reset-password" element={page(<ResetPassword />)} />
          <Route path="/verify-email" element={page(<VerifyEmail />)} />
          <Route path="/unsubscribe" element={page(<Unsubscribe />)} />
          <Route path="/dashboard" element={page(<Dashboard />)} />
          <Route path="/history" element={page(<History />)} />
          <Route path="/notes" element={page(<Notes />)} />
          <Route path="/review" element={page(<Review />)} />
          <Route path="/search" element={page(<Search />)} />
          <Route path="/cohorts" element={page(<Cohorts />)} />
          <Route path="/cohorts/:id" element={page(<Cohort />)} />
          <Route path="/join" element={page(<Join />)} />
          <Route path="/settings" element={page(<Settings />)} />
          <Route path="/u/:handle" element={page(<Profile />)} />
          <Route path="/author" element={page(<AuthorList />)} />
          <Route path="/author/:slug" element={page(<AuthorEdit />)} />
          <Route path="/admin" element={page(<Admin />)} />
          <Route path="*" element={page(<NotFound />)} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <App />
      </AuthProvider>
    </QueryClientProvider>
  </StrictMode>,
);
