import type { SimQuestion, SimSurvey } from '../contract.ts';
import { alnum, uuidFrom } from './ids.ts';
import { rngFor } from './prng.ts';
import { type SurveyTemplate, TEMPLATES, type TemplateFilter, type TemplateQuestion } from './templates.ts';

/** What the generator needs beyond the public `SimSurvey`: the template's hidden knobs. */
export interface SurveyModel {
  survey: SimSurvey;
  /** Position of the survey in the world (0-based). */
  ordinal: number;
  template: SurveyTemplate;
  /** Per question id: the template entry (display rate, forced response). */
  knobs: Map<string, TemplateQuestion>;
  filterRules: Map<string, TemplateFilter['rule']>;
}

const DAY_MS = 86_400_000;

/** The brand every generated survey belongs to (a real brand id is a short lowercase name). */
export const SIM_BRAND_ID = 'simcorp';

/** The survey owner (one user owns all generated surveys, as in most single-user API accounts). */
export function ownerIdFor(seed: number): string {
  return 'UR_' + alnum(rngFor(seed, 'owner'), 15);
}

/**
 * Builds survey number `ordinal` of the world: template `ordinal mod 3`, ids derived from the seed, dates a few
 * months before `anchor` (the clock's start, epoch ms).
 */
export function buildSurvey(seed: number, ordinal: number, anchor: number): SurveyModel {
  const template = TEMPLATES[ordinal % TEMPLATES.length]!;
  const copy = Math.floor(ordinal / TEMPLATES.length);
  const rng = rngFor(seed, 'survey', ordinal);
  const id = 'SV_' + alnum(rng, 15);
  const blockIds = template.blocks.map(() => 'BL_' + alnum(rng, 15));
  const creationDate = roundToSecond(anchor - (90 + rng.int(60)) * DAY_MS - rng.int(DAY_MS));
  const lastModified = roundToSecond(anchor - (35 + rng.int(5)) * DAY_MS - rng.int(DAY_MS));
  const questions: SimQuestion[] = template.questions.map(({ block, shownRate: _s, forced: _f, ...q }) => ({
    ...q,
    blockId: blockIds[block]!,
  }));
  const filters = template.filters.map((f, i) => ({
    filterId: uuidFrom(seed, id, 'filter', i),
    filterName: f.name,
    creationDate: new Date(lastModified - (i + 1) * 3_600_000).toISOString().replace('.000Z', 'Z'),
  }));
  const survey: SimSurvey = {
    id,
    name: copy === 0 ? template.name : `${template.name} (${copy + 1})`,
    ownerId: ownerIdFor(seed),
    brandId: SIM_BRAND_ID,
    organizationId: SIM_BRAND_ID,
    creationDate,
    lastModified,
    isActive: ordinal % 5 !== 4,
    questions,
    embeddedData: template.embeddedData.slice(),
    loops: template.loops.slice(),
    filters,
    blocks: template.blocks.map((b, i) => ({ id: blockIds[i]!, description: b.description, ...(b.looped ? { looped: true } : {}) })),
  };
  return {
    survey,
    ordinal,
    template,
    knobs: new Map(template.questions.map((q) => [q.id, q])),
    filterRules: new Map(filters.map((f, i) => [f.filterId, template.filters[i]!.rule])),
  };
}

function roundToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
