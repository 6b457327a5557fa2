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
  { email: Email, password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX }) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const RefreshToken = Type.String({
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
        pattern: '^/(?![/\\\\])',
        maxLength: 500,
        description: 'A path of the web app to come back to (default /dashboard).',
      }),
    ),
  },
  { additionalProperties: false },
);

export const OAuthCallbackQuery = Type.Object(
  {
    code: Type.Optional(Type.String({ maxLength: 2000 })),
    state: Type.Optional(Type.String({ maxLength: 500 })),
    error: Type.Optional(Type.String({ maxLength: 200 })),
    error_description: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: true },
);

export const authSchemas = [AuthResult, Providers];
