// The admin's view of the job queue.
import Type from 'typebox';

export const JobOverview = Type.Object(
  {
    queues: Type.Array(
      Type.Object(
        {
          queue: Type.String(),
          queued: Type.Integer({ description: 'Due now, waiting for a worker.' }),
          deferred: Type.Integer({ description: 'Waiting for their time (reminders not yet due).' }),
          active: Type.Integer(),
          failed: Type.Integer({ description: 'Out of retries, still kept.' }),
        },
        { additionalProperties: false },
      ),
    ),
    dead: Type.Array(
      Type.Object(
        {
          id: Type.String({ format: 'uuid' }),
          queue: Type.String({ description: 'The queue it failed in.' }),
          data: Type.Record(Type.String(), Type.Unknown(), {
            description: 'What the job was about (user, kind, channel); never the message it carried.',
          }),
          error: Type.Union([Type.String(), Type.Null()], {
            description: "The last attempt's error message.",
          }),
          failedAt: Type.String({ format: 'date-time' }),
        },
        { additionalProperties: false },
      ),
      { description: 'Jobs that ran out of retries (the dead-letter queue), oldest first.' },
    ),
  },
  { $id: 'JobOverview', additionalProperties: false },
);

export const JobOverviewQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) },
  { additionalProperties: false },
);

export const JobIdParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const jobSchemas = [JobOverview];
