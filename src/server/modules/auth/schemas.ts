// Request and response shapes of /api/v1/auth.
import Type, { type Static } from 'typebox';
import { ref } from '../../http/schemas.ts';
import { DisplayName, User } from '../users/schemas.ts';
import { PASSWORD_MAX } from './passwords.ts';

export const Email = Type.String({
  format: 'email',
  maxLength: 254,
  description: 'An email address; compared case-insensitively.',
});

const NewPassword = Type.String({
  format: 'text',
  minLength: 1,
  maxLength: PASSWORD_MAX,
  description:
    '15 to 128 characters of any kind, no composition rules; common passwords and ones built from your email, name or "waymark" are refused.',
});

export const SignupBody = Type.Object(
  { email: Email, password: NewPassword, displayName: DisplayName },
  { additionalProperties: false },
);
export type SignupBody = Static<typeof SignupBody>;

export const LoginBody = Type.Object(
  { email: Email, password: Type.String({ format: 'text', minLength: 1, maxLength: PASSWORD_MAX }) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const RefreshToken = Type.String({
  pattern: '^[A-Za-z0-9_-]+$',
  minLength: 20,
  maxLength: 200,
  description: 'An opaque refresh token.',
});

export const RefreshBody = Type.Object(
  {
    refreshToken: Type.Optional(
      Type.Unsafe<string>({
        ...RefreshToken,
        description: 'Omit it when the browser holds it in the session cookie.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const LogoutBody = RefreshBody;

export const AuthResult = Type.Object(
  {
    user: ref(User),
    accessToken: Type.String({
      description: 'A JWT for `Authorization: Bearer`; lives `expiresIn` seconds.',
    }),
    refreshToken: Type.Optional(
      Type.String({
        description:
          'Spend it at POST /api/v1/auth/refresh for a new pair; it works once. Absent when the web app asked for the httpOnly session cookie instead (`X-Waymark-Client: web`).',
      }),
    ),
    expiresIn: Type.Integer({ description: 'Seconds until the access token expires.' }),
  },
  { $id: 'AuthResult', additionalProperties: false },
);
export type AuthResult = Static<typeof AuthResult>;

export const PasswordResetBody = Type.Object({ email: Email }, { additionalProperties: false });

export const MailToken = Type.String({
  pattern: '^[A-Za-z0-9_-]+$',
  minLength: 20,
  maxLength: 200,
  description: 'The token from the mailed link.',
});

export const PasswordResetConfirmBody = Type.Object(
  { token: MailToken, password: NewPassword },
  { additionalProperties: false },
);

export const VerifyEmailBody = Type.Object({ token: MailToken }, { additionalProperties: false });

export const Providers = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          id: Type.String({ description: 'Use it in /api/v1/auth/oauth/{provider}/start.' }),
          name: Type.String({ description: 'A label for the sign-in button.' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { $id: 'Providers', additionalProperties: false },
);

export const ProviderParams = Type.Object(
  { provider: Type.String({ pattern: '^[a-z0-9-]{1,40}$', description: '`oidc` or `github`.' }) },
  { additionalProperties: false },
);

export const OAuthStartQuery = Type.Object(
  {
    returnTo: Type.Optional(
      Type.String({
        // A path of ours, in characters a Location header can carry (percent-encode the rest).
        pattern: '^/(?![/\\\\])[!-~]*$',
        maxLength: 500,
        description:
          'A path of the web app to come back to (default /dashboard): starts with one `/`, printable ASCII only (percent-encode the rest).',
      }),
    ),
  },
  { additionalProperties: false },
);

export const OAuthCallbackQuery = Type.Object(
  {
    code: Type.Optional(Type.String({ format: 'line', maxLength: 2000 })),
    state: Type.Optional(Type.String({ format: 'line', maxLength: 500 })),
    error: Type.Optional(Type.String({ format: 'line', maxLength: 200 })),
    error_description: Type.Optional(Type.String({ format: 'line', maxLength: 2000 })),
  },
  { additionalProperties: true },
);

export const PasswordChangeBody = Type.Object(
  {
    currentPassword: Type.Optional(
      Type.String({
        format: 'text',
        minLength: 1,
        maxLength: PASSWORD_MAX,
        description: 'Your password now; omit it only when the account has none (provider sign-in).',
      }),
    ),
    newPassword: NewPassword,
  },
  { additionalProperties: false },
);

export const EmailChangeBody = Type.Object(
  {
    email: Email,
    password: Type.String({
      format: 'text',
      minLength: 1,
      maxLength: PASSWORD_MAX,
      description: 'Your password now.',
    }),
  },
  { additionalProperties: false },
);

export const SessionInfo = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    createdAt: Type.String({ format: 'date-time', description: 'When you signed in.' }),
    lastUsedAt: Type.String({ format: 'date-time', description: 'When it last refreshed its token.' }),
    userAgent: Type.Union([Type.String(), Type.Null()], {
      description: 'The browser or client that signed in.',
    }),
    current: Type.Boolean({ description: 'The session this request comes from.' }),
  },
  { $id: 'SessionInfo', additionalProperties: false },
);

export const SessionList = Type.Object(
  { items: Type.Array(ref(SessionInfo), { description: 'Live sessions, last used first.' }) },
  { $id: 'SessionList', additionalProperties: false },
);

export const SessionParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
export const authSchemas = [AuthResult, Providers, SessionInfo, SessionList];
