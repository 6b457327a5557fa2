// Schemas every module shares: the RFC 9457 problem body and a typed reference helper.
import Type, { type Static, type TSchema } from 'typebox';

export const Problem = Type.Object(
  {
    type: Type.String({
      description: 'A URI naming the kind of problem; `about:blank` when the status says it all.',
    }),
    title: Type.String({ description: 'Short, human-readable summary of the kind of problem.' }),
    status: Type.Integer({ description: 'The HTTP status code.' }),
    detail: Type.Optional(Type.String({ description: 'What went wrong this time and what to do next.' })),
    instance: Type.Optional(Type.String({ description: 'The request path.' })),
    requestId: Type.Optional(Type.String({ description: 'Quote it when reporting a problem.' })),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String({
            description:
              'JSON Pointer to the offending field, starting with where it came from: `/querystring/limit`, `/body/email`, `/params/slug`.',
          }),
          message: Type.String(),
        }),
        { description: 'One entry per invalid field (validation problems only).' },
      ),
    ),
  },
  { $id: 'Problem', description: 'An RFC 9457 problem detail, sent as application/problem+json.' },
);
export type Problem = Static<typeof Problem>;

/**
 * Refers to a schema registered on the app by its `$id`, keeping its static type: the OpenAPI
 * document then names the component instead of inlining it at every use.
 */
export function ref<T extends TSchema & { $id?: string }>(schema: T) {
  if (!schema.$id) throw new Error('ref() needs a schema with an $id');
  return Type.Unsafe<Static<T>>(Type.Ref(schema.$id));
}

/** The problem responses a route can give, for its `response` schema (and so for OpenAPI). */
export function problems(...statuses: number[]): Record<number, ReturnType<typeof ref<typeof Problem>>> {
  return Object.fromEntries(statuses.map((s) => [s, ref(Problem)]));
}
