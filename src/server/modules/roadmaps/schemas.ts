// One TypeBox schema per shape: each is the request/response validation, the TypeScript type
// (Static<>) and the OpenAPI component at once. `RoadmapSource` is what an author writes — the
// YAML files in content/roadmaps and, later, the authoring API's body; `RoadmapDocument` is
// what readers get back, with the derived fields (version, positions, rendered HTML) added.
import Type, { type Static } from 'typebox';
import { ref } from '../../http/schemas.ts';

const SLUG_PATTERN = '^[a-z0-9]+(?:-[a-z0-9]+)*$';
export const Slug = Type.String({
  pattern: SLUG_PATTERN,
  minLength: 1,
  maxLength: 80,
  description: 'Lower-case words joined by hyphens, e.g. `backend-developer`.',
});
export const StepId = Type.String({
  pattern: '^[a-z0-9]{6,32}$',
  description:
    "The step's stable identity: a short random string written once in the content file and never reused. Progress refers to it, so renaming or moving a step keeps learners' work.",
});
const Text = (maxLength: number, description?: string) =>
  Type.String({ format: 'line', minLength: 1, maxLength, ...(description ? { description } : {}) });
const Markdown = (maxLength: number, description: string) =>
  Type.String({ format: 'text', minLength: 1, maxLength, description: `${description} (Markdown).` });

export const RESOURCE_KINDS = ['docs', 'article', 'video', 'course', 'book', 'tool', 'practice'] as const;
// The source shape has no `$id`: it is embedded in request bodies, where Ajv would refuse a
// second schema of the same id. The reader-facing twins below carry the id for OpenAPI.
const resourceProperties = {
  title: Text(200),
  url: Type.String({
    format: 'uri',
    pattern: '^https?://',
    maxLength: 2000,
    description: 'An http(s) address.',
  }),
  kind: Type.Enum(RESOURCE_KINDS, { description: `One of: ${RESOURCE_KINDS.join(', ')}.` }),
};
const ResourceSource = Type.Object(resourceProperties, { additionalProperties: false });
export const Resource = Type.Object(resourceProperties, { $id: 'Resource', additionalProperties: false });
export type Resource = Static<typeof Resource>;

const EstimatedHours = Type.Number({
  minimum: 0.5,
  maximum: 1000,
  description: 'Hours a learner typically spends on it.',
});

const checkProperties = {
  question: Markdown(1000, 'What the learner is asked'),
  answer: Markdown(4000, 'What a good answer says, shown after the learner has tried'),
};
const CheckSource = Type.Object(checkProperties, { additionalProperties: false });

// ---------------------------------------------------------------------------------------------
// What authors write

export const StepSource = Type.Object(
  {
    id: StepId,
    slug: Slug,
    title: Text(200),
    summary: Text(500, 'One or two sentences shown in the roadmap'),
    required: Type.Boolean({ description: 'Required steps count toward milestones.' }),
    estimatedHours: EstimatedHours,
    body: Markdown(20_000, 'What the step covers and why it matters'),
    resources: Type.Array(ResourceSource, { minItems: 1, maxItems: 30 }),
    checks: Type.Optional(
      Type.Array(CheckSource, {
        maxItems: 10,
        description: 'Check questions for spaced review: a learner who marked the step done is asked them.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const LayerSource = Type.Object(
  {
    slug: Slug,
    title: Text(200),
    summary: Text(500),
    steps: Type.Array(StepSource, { minItems: 1, maxItems: 100, description: 'A layer is never empty.' }),
  },
  { additionalProperties: false },
);

export const MilestoneSource = Type.Object(
  {
    slug: Slug,
    title: Text(200),
    description: Markdown(2000, 'What the learner can do on reaching it'),
    afterStep: Type.String({
      pattern: SLUG_PATTERN,
      description: 'The slug of the step after which the milestone stands.',
    }),
  },
  { additionalProperties: false },
);

const comparisonProperties = {
  slug: Slug,
  title: Text(200),
  columns: Type.Array(Text(200), { minItems: 2, maxItems: 12 }),
  rows: Type.Array(Type.Array(Text(500), { minItems: 2, maxItems: 12 }), {
    minItems: 1,
    maxItems: 100,
    description: 'Each row has exactly one cell per column.',
  }),
};
const ComparisonSource = Type.Object(comparisonProperties, { additionalProperties: false });
export const Comparison = Type.Object(comparisonProperties, {
  $id: 'Comparison',
  additionalProperties: false,
});

export const FaqSource = Type.Object(
  { question: Text(300), answer: Markdown(5000, 'The answer') },
  { additionalProperties: false },
);

const callToActionProperties = { title: Text(200), text: Text(500) };
const CallToActionSource = Type.Object(callToActionProperties, { additionalProperties: false });
export const CallToAction = Type.Object(callToActionProperties, {
  $id: 'CallToAction',
  additionalProperties: false,
});

export const RoadmapSource = Type.Object(
  {
    slug: Slug,
    title: Text(200),
    summary: Text(500),
    intro: Markdown(10_000, 'Why this path matters'),
    layers: Type.Array(LayerSource, { minItems: 1, maxItems: 30 }),
    milestones: Type.Array(MilestoneSource, { maxItems: 50 }),
    comparisons: Type.Array(ComparisonSource, { maxItems: 20 }),
    faq: Type.Array(FaqSource, { maxItems: 100 }),
    callToAction: CallToActionSource,
  },
  { additionalProperties: false },
);
export type RoadmapSource = Static<typeof RoadmapSource>;

// ---------------------------------------------------------------------------------------------
// What readers get

const Timestamp = Type.String({ format: 'date-time' });
const Status = Type.Union([Type.Literal('draft'), Type.Literal('published')]);

export const RoadmapStep = Type.Object(
  {
    id: StepId,
    slug: Slug,
    title: Type.String(),
    summary: Type.String(),
    required: Type.Boolean(),
    position: Type.Integer({ minimum: 1, description: 'Numbers the steps 1..n across the whole roadmap.' }),
    estimatedHours: Type.Number(),
    resources: Type.Array(ref(Resource)),
  },
  { $id: 'RoadmapStep', additionalProperties: false },
);

export const RoadmapDocument = Type.Object(
  {
    slug: Slug,
    title: Type.String(),
    summary: Type.String(),
    intro: Type.String({ description: 'Markdown.' }),
    introHtml: Type.String({ description: '`intro` rendered to sanitized HTML.' }),
    version: Type.Integer({ minimum: 1 }),
    updatedAt: Timestamp,
    status: Status,
    stepCount: Type.Integer(),
    requiredStepCount: Type.Integer(),
    estimatedHours: Type.Number(),
    layers: Type.Array(
      Type.Object(
        { slug: Slug, title: Type.String(), summary: Type.String(), steps: Type.Array(ref(RoadmapStep)) },
        { additionalProperties: false },
      ),
    ),
    milestones: Type.Array(
      Type.Object(
        {
          slug: Slug,
          title: Type.String(),
          description: Type.String(),
          descriptionHtml: Type.String(),
          afterStep: Slug,
        },
        { additionalProperties: false },
      ),
    ),
    comparisons: Type.Array(ref(Comparison)),
    faq: Type.Array(
      Type.Object(
        { question: Type.String(), answer: Type.String(), answerHtml: Type.String() },
        { additionalProperties: false },
      ),
    ),
    callToAction: ref(CallToAction),
  },
  { $id: 'RoadmapDocument', additionalProperties: false },
);
export type RoadmapDocument = Static<typeof RoadmapDocument>;

export const RoadmapListItem = Type.Object(
  {
    slug: Slug,
    title: Type.String(),
    summary: Type.String(),
    stepCount: Type.Integer(),
    requiredStepCount: Type.Integer(),
    estimatedHours: Type.Number(),
    updatedAt: Timestamp,
  },
  { $id: 'RoadmapListItem', additionalProperties: false },
);
export type RoadmapListItem = Static<typeof RoadmapListItem>;

export const RoadmapList = Type.Object(
  {
    items: Type.Array(ref(RoadmapListItem)),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `cursor` to get the next page; null on the last page.',
    }),
  },
  { $id: 'RoadmapList', additionalProperties: false },
);
export type RoadmapList = Static<typeof RoadmapList>;

export const Check = Type.Object(
  {
    ...checkProperties,
    questionHtml: Type.String({ description: '`question` rendered to sanitized HTML.' }),
    answerHtml: Type.String({ description: '`answer` rendered to sanitized HTML.' }),
  },
  { $id: 'Check', additionalProperties: false },
);
export type Check = Static<typeof Check>;

export const StepDetail = Type.Object(
  {
    id: StepId,
    slug: Slug,
    roadmapSlug: Slug,
    layer: Type.Object({ slug: Slug, title: Type.String() }, { additionalProperties: false }),
    title: Type.String(),
    summary: Type.String(),
    required: Type.Boolean(),
    position: Type.Integer(),
    estimatedHours: Type.Number(),
    resources: Type.Array(ref(Resource)),
    body: Type.String({ description: 'Markdown.' }),
    bodyHtml: Type.String({ description: '`body` rendered to sanitized HTML.' }),
    checks: Type.Array(ref(Check), { description: 'Check questions for review (may be empty).' }),
  },
  { $id: 'StepDetail', additionalProperties: false },
);
export type StepDetail = Static<typeof StepDetail>;

export const SearchResult = Type.Object(
  {
    kind: Type.Union([Type.Literal('roadmap'), Type.Literal('step')]),
    roadmapSlug: Slug,
    stepSlug: Type.Optional(Slug),
    title: Type.String(),
    snippet: Type.String({
      description: 'Plain text around the match; matched words are wrapped in « and ».',
    }),
  },
  { $id: 'SearchResult', additionalProperties: false },
);
export type SearchResult = Static<typeof SearchResult>;

export const SearchResults = Type.Object(
  { items: Type.Array(ref(SearchResult)) },
  { $id: 'SearchResults', additionalProperties: false },
);

// ---------------------------------------------------------------------------------------------
// Requests

const Query = Type.String({
  format: 'line',
  minLength: 1,
  maxLength: 200,
  description: 'Words to look for; quotes, `or` and `-word` work as on a web search engine.',
});

export const ListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Page size, 1..100.' }),
    cursor: Type.Optional(
      Type.String({ format: 'line', maxLength: 200, description: '`nextCursor` of the previous page.' }),
    ),
    q: Type.Optional(Query),
  },
  { additionalProperties: false },
);

export const SearchQuery = Type.Object(
  {
    q: Query,
    limit: Type.Integer({ minimum: 1, maximum: 50, default: 20, description: 'At most this many results.' }),
  },
  { additionalProperties: false },
);

export const RoadmapParams = Type.Object({ slug: Slug }, { additionalProperties: false });
export const StepParams = Type.Object({ slug: Slug, stepSlug: Slug }, { additionalProperties: false });

/** Shared schemas registered once on the app (by `$id`) and referenced from routes. */
export const roadmapSchemas = [
  Resource,
  Comparison,
  CallToAction,
  RoadmapStep,
  RoadmapDocument,
  RoadmapListItem,
  RoadmapList,
  Check,
  StepDetail,
  SearchResult,
  SearchResults,
];

// ---------------------------------------------------------------------------------------------
// Authoring

/** What authors send and edit: the same shape as the files in content/roadmaps. */
/** The authored shape as a named component (`RoadmapSource`) for bodies and AuthoringState. */
export const NamedRoadmapSource = Type.Unsafe<RoadmapSource>({
  ...RoadmapSource,
  $id: 'RoadmapSource',
  description:
    'A whole roadmap as authored — the same document as a file in content/roadmaps. Every step needs a permanent `id` (6–32 lower-case letters and digits), written once and never reused.',
});
export const RoadmapSourceBody = ref(NamedRoadmapSource);

export const ForkedFrom = Type.Union(
  [
    Type.Object(
      {
        slug: Slug,
        title: Type.String(),
        version: Type.Integer({ description: 'The published version that was forked.' }),
      },
      { additionalProperties: false },
    ),
    Type.Null(),
  ],
  {
    $id: 'ForkedFrom',
    description:
      'The roadmap this one was forked from (its address and title now); null when not a fork, or when the original is gone.',
  },
);

export const AuthoringState = Type.Object(
  {
    slug: Slug,
    status: Type.Union([Type.Literal('draft'), Type.Literal('published')], {
      description: '`draft` until first published.',
    }),
    publishedVersion: Type.Integer({ description: 'The version readers see; 0 before the first publish.' }),
    hasDraft: Type.Boolean({ description: 'Whether the draft differs from what readers see.' }),
    etag: Type.String({ description: 'Send it as If-Match with PUT.' }),
    document: ref(NamedRoadmapSource),
    forkedFrom: ref(ForkedFrom),
  },
  { $id: 'AuthoringState', additionalProperties: false },
);
export type AuthoringState = Static<typeof AuthoringState>;

export const AuthoredList = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          slug: Slug,
          title: Type.String(),
          status: Type.Union([Type.Literal('draft'), Type.Literal('published')]),
          publishedVersion: Type.Integer(),
          hasDraft: Type.Boolean(),
          updatedAt: Timestamp,
          forkedFrom: ref(ForkedFrom),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { $id: 'AuthoredList', additionalProperties: false },
);

export const PublishResult = Type.Object(
  {
    slug: Slug,
    version: Type.Integer(),
    outcome: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('unchanged')]),
  },
  { $id: 'PublishResult', additionalProperties: false },
);

export const VersionList = Type.Object(
  {
    items: Type.Array(
      Type.Object({ version: Type.Integer(), createdAt: Timestamp }, { additionalProperties: false }),
    ),
  },
  { $id: 'VersionList', additionalProperties: false },
);

export const RenameBody = Type.Object({ slug: Slug }, { additionalProperties: false });

export const VersionParams = Type.Object(
  {
    slug: Slug,
    version: Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'A published version number.' }),
  },
  { additionalProperties: false },
);

export const VersionSource = Type.Object(
  {
    slug: Slug,
    version: Type.Integer({ minimum: 1 }),
    createdAt: Timestamp,
    document: ref(NamedRoadmapSource),
  },
  {
    $id: 'VersionSource',
    additionalProperties: false,
    description: 'The authored source of one published version, as it was published.',
  },
);

export const ForkBody = Type.Object(
  {
    slug: Slug,
    title: Text(200, 'The title of the new roadmap'),
  },
  {
    $id: 'ForkBody',
    additionalProperties: false,
    description: 'The new roadmap’s address (`slug`) and title; everything else is copied.',
  },
);
export type ForkBody = Static<typeof ForkBody>;

export const DocumentQuery = Type.Object(
  {
    version: Type.Optional(
      Type.Literal('draft', {
        description: '`draft`: the draft being edited (its authors and admins only).',
      }),
    ),
  },
  { additionalProperties: false },
);

export const authoringSchemas = [
  NamedRoadmapSource,
  AuthoringState,
  ForkedFrom,
  AuthoredList,
  PublishResult,
  VersionList,
  VersionSource,
  ForkBody,
];
