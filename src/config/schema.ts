/**
 * The shape of `qsync.config.json` / `qsync.config.yaml`, validated with zod. Unknown keys are refused so that a
 * typo (`concurency`) is an error instead of a silently ignored setting. Numbers and booleans may also be written
 * as strings, because `${ENV_VAR}` substitution always yields text.
 */
import { z } from 'zod';

const SURVEY_ID = /^SV_[A-Za-z0-9]{11,15}$/;
const QUESTION_ID = /^QID[A-Za-z0-9]+$/;

/** A number written as a number or as numeric text (the result of `${VAR}` substitution). */
function numeric<T extends z.ZodType>(inner: T) {
  return z.preprocess((v) => (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v), inner);
}

/** A boolean written as true/false or as the text "true"/"false". */
const flag = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' ? false : v),
  z.boolean({ error: 'must be true or false' }),
);

const int = (min: number, max: number, what = 'an integer') =>
  numeric(
    z
      .number({ error: `must be ${what} from ${min} to ${max}` })
      .int({ error: `must be ${what} from ${min} to ${max}` })
      .min(min, { error: `must be ${what} from ${min} to ${max}` })
      .max(max, { error: `must be ${what} from ${min} to ${max}` }),
  );

const nonEmpty = (what: string) => z.string({ error: `must be ${what}` }).trim().min(1, { error: `must be ${what}` });

const timeZone = z
  .string({ error: 'must be an IANA time zone like America/Chicago' })
  .refine(isTimeZone, { error: 'must be an IANA time zone like America/Chicago' });

const surveyId = z
  .string({ error: 'must be a survey id like SV_1234567890abcde' })
  .regex(SURVEY_ID, { error: 'must be a survey id like SV_1234567890abcde (SV_ and 11–15 letters or digits)' });

/** Export options a survey may set (FACTS.md §5.1); the engine adds the ones it needs for incremental sync. */
const exportOptionsShape = {
  /** Choice text instead of recode values. */
  useLabels: flag.optional(),
  /** Only these questions (`QID…`). */
  questionIds: z.array(z.string().regex(QUESTION_ID, { error: 'must be a question id like QID12' })).optional(),
  /** Only these embedded-data fields. */
  embeddedDataIds: z.array(nonEmpty('an embedded-data field name')).optional(),
  /** IANA zone of the exported dates (qsync stores UTC either way). */
  timeZone: timeZone.optional(),
  /** A saved filter: such a survey is re-exported whole on every run (Qualtrics refuses continuation with filters). */
  filterId: nonEmpty('a filter id').optional(),
  seenUnansweredRecode: int(-999_999, 999_999).optional(),
  multiselectSeenUnansweredRecode: int(-999_999, 999_999).optional(),
  includeDisplayOrder: flag.optional(),
  breakoutSets: flag.optional(),
  newlineReplacement: z.string({ error: 'must be a string' }).optional(),
};

const surveyEntry = z.strictObject({
  id: surveyId,
  ...exportOptionsShape,
  /** Long-form `answers` rows for this survey (default: `tables.answers`). */
  answers: flag.optional(),
  /** Keep in-progress responses in their own table (default: `tables.inProgress`). */
  inProgress: flag.optional(),
});

/** Optional text where an empty value (`\${VAR:-}` with VAR unset) means "not set". */
const optionalText = (what: string) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), nonEmpty(what).optional());

const connection = z.strictObject({
  dataCenter: optionalText('a data center id like iad1'),
  baseUrl: optionalText('a URL'),
  clientId: optionalText('an OAuth client id'),
  clientSecret: optionalText('an OAuth client secret'),
  apiToken: optionalText('an API token'),
  scopes: z.union([nonEmpty('scopes'), z.array(nonEmpty('a scope'))]).optional(),
  rateShare: numeric(
    z.number({ error: 'must be a number in (0, 1]' }).gt(0, { error: 'must be a number in (0, 1]' }).max(1, { error: 'must be a number in (0, 1]' }),
  ).optional(),
  maxRetries: int(0, 20).optional(),
  timeoutMs: int(1000, 3_600_000).optional(),
  tokenCache: z.union([nonEmpty('a file path'), z.literal(false)]).optional(),
});

/** The whole config document. */
export const ConfigSchema = z.strictObject({
  connection: connection.optional(),
  destination: z.strictObject({ db: nonEmpty('a SQLite file path or a postgres:// URL').optional() }).optional(),
  surveys: z
    .union([z.literal('all'), z.array(
        z.union([surveyId, surveyEntry], { error: 'must be a survey id like SV_1234567890abcde or an entry { id: SV_…, … }' }),
      )], {
      error: 'must be "all" or a list of survey ids / { id, … } entries',
    })
    .optional(),
  /** Export options applied to every survey (a survey's own entry wins). */
  defaults: z.strictObject(exportOptionsShape).optional(),
  concurrency: int(1, 32).optional(),
  reconcileEvery: int(0, 100_000).optional(),
  tables: z.strictObject({ answers: flag.optional(), inProgress: flag.optional() }).optional(),
  sync: z
    .strictObject({
      batchSize: int(100, 1_000_000).optional(),
      overlapHours: numeric(z.number({ error: 'must be a number of hours from 0 to 720' }).min(0).max(720)).optional(),
      tmpDir: nonEmpty('a directory path').optional(),
    })
    .optional(),
});

/** The document as written (after env substitution), before defaults. */
export type RawConfig = z.infer<typeof ConfigSchema>;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
