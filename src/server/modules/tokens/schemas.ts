// Personal access tokens: a learner's own scripts calling the API with the scopes they chose.
import Type, { type Static } from 'typebox';
import { ref } from '../../http/schemas.ts';
import { TOKEN_SCOPES, type TokenScope } from '../../db/schema.ts';

export const TOKEN_PREFIX = 'wmk_';
/** Tokens one person may hold at once: enough for every script, not a store of secrets. */
export const TOKENS_MAX = 50;

export const Scope = Type.Unsafe<TokenScope>({
  type: 'string',
  enum: [...TOKEN_SCOPES],
  description:
    '`progress:read` (your roadmaps, progress and forecasts), `progress:write` (mark steps and resources), `study:read` (the study log and stats), `study:write` (log, edit and delete study sessions), `notes:read`, `notes:write`, `profile:read` (GET /api/v1/me).',
});

export const TokenBody = Type.Object(
  {
    name: Type.String({
      format: 'line',
      minLength: 1,
      maxLength: 100,
      description: 'What it is for, to recognise it later ("study timer on my laptop").',
    }),
    scopes: Type.Array(Scope, { minItems: 1, maxItems: TOKEN_SCOPES.length, uniqueItems: true }),
    expiresAt: Type.Optional(
      Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
        description: 'When it stops working, in the future; null or absent: never (revoke it instead).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type TokenBody = Static<typeof TokenBody>;

const tokenFields = {
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  scopes: Type.Array(Scope),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
};

export const PersonalToken = Type.Object(
  {
    ...tokenFields,
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'To within a few seconds; null when never used.',
    }),
  },
  { $id: 'PersonalToken', additionalProperties: false },
);
export type PersonalToken = Static<typeof PersonalToken>;

export const NewPersonalToken = Type.Object(
  {
    ...tokenFields,
    token: Type.String({
      description: `The secret, shown this once and stored only as a hash. It starts \`${TOKEN_PREFIX}\` so secret scanners can find a leaked one. Send it as \`Authorization: Bearer\`.`,
    }),
  },
  { $id: 'NewPersonalToken', additionalProperties: false },
);
export type NewPersonalToken = Static<typeof NewPersonalToken>;

export const PersonalTokenList = Type.Object(
  { items: Type.Array(ref(PersonalToken), { description: 'Newest first.' }) },
  { $id: 'PersonalTokenList', additionalProperties: false },
);
export type PersonalTokenList = Static<typeof PersonalTokenList>;

export const TokenParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const tokenSchemas = [PersonalToken, NewPersonalToken, PersonalTokenList];
