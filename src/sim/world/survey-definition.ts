import type { SimBlock, SimChoice, SimQuestion, SimSurvey } from '../contract.ts';
import { isoSeconds } from '../export/format.ts';
import { alnum } from './ids.ts';
import { rngFor } from './prng.ts';

/**
 * GET /survey-definitions/{surveyId}: the QSF-like shape of ropensci's `fetch_description` recording (PascalCase
 * keys, `"ON"`/`"OFF"` strings, QuestionCount as a string). QSF names rows and columns the other way round from
 * the contract: for matrix, slider, form and side-by-side questions the rows (`SimQuestion.answers`) are QSF
 * `Choices` and the scale (`SimQuestion.choices`) is QSF `Answers`.
 */

/** Blocks in flow order: the survey's own list, or one per distinct `blockId`. */
export function surveyBlocks(survey: SimSurvey): SimBlock[] {
  if (survey.blocks) return survey.blocks;
  const ids = [...new Set(survey.questions.map((q) => q.blockId))];
  return ids.map((id, i) => ({ id, description: i === 0 ? 'Default Question Block' : `Block ${i + 1}` }));
}

function displays(choices: readonly SimChoice[]): Record<string, unknown> {
  return Object.fromEntries(
    choices.map((c) => [c.id, c.textEntry ? { Display: c.text, TextEntry: 'true' } : { Display: c.text }]),
  );
}

function nextId(choices: readonly SimChoice[] | undefined): number {
  return Math.max(0, ...(choices ?? []).map((c) => Number(c.id) || 0)) + 1;
}

function definitionQuestion(q: SimQuestion): Record<string, unknown> {
  const rowsAreChoices = q.type === 'Matrix' || q.type === 'Slider' || q.type === 'SBS' || q.selector === 'FORM';
  const choiceList = rowsAreChoices ? q.answers : q.choices;
  const answerList = rowsAreChoices && q.type !== 'SBS' ? q.choices : undefined;
  const out: Record<string, unknown> = {
    QuestionText: q.text,
    DataExportTag: q.exportTag,
    QuestionType: q.type,
    Selector: q.selector,
  };
  if (q.subSelector) out.SubSelector = q.subSelector;
  out.Configuration = { QuestionDescriptionOption: 'UseText' };
  out.QuestionDescription = q.text;
  if (choiceList) {
    out.Choices = displays(choiceList);
    out.ChoiceOrder = choiceList.map((c) => c.id);
  }
  if (answerList) {
    out.Answers = displays(answerList);
    out.AnswerOrder = answerList.map((c) => c.id);
  }
  if (q.sbsColumns) {
    out.AdditionalQuestions = Object.fromEntries(
      q.sbsColumns.map((col) => [
        col.id,
        { QuestionText: col.text, QuestionType: 'MC', Selector: 'DL', Choices: displays(col.choices), ChoiceOrder: col.choices.map((c) => c.id) },
      ]),
    );
  }
  if (q.randomized) out.Randomization = { Advanced: null, TotalRandSubset: '', Type: 'All' };
  out.Validation = { Settings: { ForceResponse: 'OFF', ForceResponseType: 'ON', Type: 'None' } };
  out.Language = [];
  out.NextChoiceId = nextId(choiceList);
  out.NextAnswerId = nextId(answerList);
  out.QuestionID = q.id;
  out.DataVisibility = { Private: false, Hidden: false };
  const recoded = q.type === 'MC' || q.type === 'NPS' ? q.choices : undefined;
  if (recoded) out.RecodeValues = Object.fromEntries(recoded.map((c) => [c.id, String(c.recode)]));
  out.QuestionText_Unsafe = q.text;
  return out;
}

function definitionBlock(survey: SimSurvey, b: SimBlock, index: number): Record<string, unknown> {
  const options: Record<string, unknown> = { BlockLocking: 'false', RandomizeQuestions: 'false', BlockVisibility: 'Expanded' };
  if (b.looped) {
    options.Looping = 'Static';
    options.LoopingOptions = { Static: Object.fromEntries(survey.loops.map((l) => [l, { 1: l }])) };
  }
  return {
    Type: index === 0 ? 'Default' : 'Standard',
    SubType: '',
    Description: b.description,
    ID: b.id,
    BlockElements: survey.questions.filter((q) => q.blockId === b.id).map((q) => ({ Type: 'Question', QuestionID: q.id })),
    Options: options,
  };
}

/** GET /survey-definitions/{surveyId} result. */
export function surveyDefinition(survey: SimSurvey): Record<string, unknown> {
  const rng = rngFor(survey.id, 'definition');
  const blocks = surveyBlocks(survey);
  const responseSet = 'RS_' + alnum(rng, 15);
  const flow: Record<string, unknown>[] = [];
  if (survey.embeddedData.length > 0) {
    flow.push({
      Type: 'EmbeddedData',
      FlowID: 'FL_2',
      EmbeddedData: survey.embeddedData.map((name) => ({
        Description: name,
        Type: 'Recipient',
        Field: name,
        VariableType: 'String',
        DataVisibility: [],
        AnalyzeText: false,
      })),
    });
  }
  blocks.forEach((b, i) => {
    flow.push({ Type: i === 0 ? 'Block' : 'Standard', ID: b.id, FlowID: `FL_${i + 3}` });
  });
  return {
    QuestionCount: String(survey.questions.length),
    SurveyOptions: {
      BackButton: 'false',
      SaveAndContinue: 'true',
      SurveyProtection: 'PublicSurvey',
      BallotBoxStuffingPrevention: 'false',
      NoIndex: 'Yes',
      SecureResponseFiles: 'true',
      SurveyExpiration: null,
      SurveyTermination: 'DefaultMessage',
      Header: '',
      Footer: '',
      ProgressBarDisplay: 'None',
      PartialData: '+1 week',
      ValidationMessage: null,
      PreviousButton: ' ← ',
      NextButton: ' → ',
      SkinLibrary: 'Qualtrics',
      SkinType: 'MQ',
      Skin: 'qualtrics',
      NewScoring: 1,
      ActiveResponseSet: responseSet,
      AvailableLanguages: { EN: [] },
      SurveyName: survey.name,
      SurveyLanguage: 'EN',
      SurveyStartDate: null,
      SurveyExpirationDate: null,
      SurveyCreationDate: isoSeconds(survey.creationDate),
    },
    SurveyID: survey.id,
    SurveyName: survey.name,
    SurveyStatus: survey.isActive ? 'Active' : 'Inactive',
    LastModified: isoSeconds(survey.lastModified),
    BrandID: survey.brandId,
    OwnerID: survey.ownerId,
    LastAccessed: null,
    CreatorID: survey.ownerId,
    LastActivated: survey.isActive ? isoSeconds(survey.creationDate + 3_600_000) : null,
    Questions: Object.fromEntries(survey.questions.map((q) => [q.id, definitionQuestion(q)])),
    Blocks: Object.fromEntries(blocks.map((b, i) => [b.id, definitionBlock(survey, b, i)])),
    ResponseSets: { [responseSet]: 'Default Response Set' },
    SurveyFlow: { Type: 'Root', FlowID: 'FL_1', Flow: flow, Properties: { Count: flow.length + 2, RemovedFieldsets: [] } },
    Scoring: {
      ScoringCategories: [],
      ScoringCategoryGroups: [],
      ScoringSummaryCategory: null,
      ScoringSummaryAfterQuestions: 0,
      ScoringSummaryAfterSurvey: 0,
      DefaultScoringCategory: null,
      AutoScoringCategory: null,
    },
    ProjectInfo: { SurveyID: survey.id, ProjectCategory: 'CORE', ProjectType: 'Survey', CompositionType: null, ContentBundle: null },
    BrandBaseURL: `https://${survey.brandId}.qualtrics.com`,
  };
}
