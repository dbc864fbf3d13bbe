import type { SimChoice, SimQuestion } from '../contract.ts';

/**
 * The surveys the generator builds, as data. Together the three templates cover every question family the
 * exporters must handle (see the brief in DESIGN.md's simulator row): single/multi-answer multiple choice with an
 * "Other" text entry, single/multi-answer matrix, text entry (single line, essay, form), slider, rank order, NPS,
 * side by side, constant sum, a loop-and-merge block, display order (`_DO`), embedded data, and a duplicate export
 * tag. Template 0 has ~50 csv columns, which the export benchmark relies on.
 */

export type TemplateQuestion = Omit<SimQuestion, 'blockId'> & {
  /** Index into `blocks`. */
  block: number;
  /** Shown to only this share of respondents (display logic); default 1. */
  shownRate?: number;
  /** Forced response: never seen-but-unanswered. */
  forced?: boolean;
};

export interface TemplateBlock {
  description: string;
  looped?: boolean;
}

/** A saved filter: its name and which rule `filterAdmits` applies. */
export interface TemplateFilter {
  name: string;
  rule: 'finished' | 'language-en' | 'channel-email';
}

export interface SurveyTemplate {
  name: string;
  blocks: TemplateBlock[];
  questions: TemplateQuestion[];
  embeddedData: string[];
  /** Pools the generator draws each embedded-data value from. */
  embeddedValues: Record<string, string[]>;
  loops: string[];
  filters: TemplateFilter[];
}

function c(id: number | string, text: string, recode?: number, textEntry?: boolean): SimChoice {
  const choice: SimChoice = { id: String(id), recode: recode ?? Number(id), text };
  if (textEntry) choice.textEntry = true;
  return choice;
}

function scale(texts: string[]): SimChoice[] {
  return texts.map((t, i) => c(i + 1, t));
}

const SATISFACTION = scale([
  'Very dissatisfied',
  'Dissatisfied',
  'Neither satisfied nor dissatisfied',
  'Satisfied',
  'Very satisfied',
]);
const NPS_CHOICES: SimChoice[] = Array.from({ length: 11 }, (_, i) => c(i, String(i)));

const customerExperience: SurveyTemplate = {
  name: 'Customer Experience Survey 2024',
  blocks: [{ description: 'Default Question Block' }, { description: 'Experience' }, { description: 'Tell us more' }],
  questions: [
    { id: 'QID9', exportTag: 'Q9', type: 'DB', selector: 'TB', text: 'Welcome! This survey takes about 5 minutes.', block: 0 },
    {
      id: 'QID1', exportTag: 'Q1', type: 'MC', selector: 'SAVR', subSelector: 'TX', block: 0, forced: true,
      text: 'How did you first hear about us?', randomized: true,
      choices: [c(1, 'Search engine'), c(2, 'A friend or colleague'), c(3, 'Social media'), c(4, 'Advertisement'),
        c(5, 'Podcast'), c(6, 'Other, please specify', 6, true)],
    },
    {
      id: 'QID2', exportTag: 'Q2', type: 'MC', selector: 'MAVR', subSelector: 'TX', block: 0, randomized: true,
      text: 'Which of our products do you use? (Select all that apply)',
      choices: [c(1, 'Mobile app'), c(2, 'Web dashboard'), c(3, 'API'), c(4, 'Browser extension'),
        c(5, 'Desktop app'), c(7, 'Other', 7, true)],
    },
    {
      id: 'QID3', exportTag: 'Q3', type: 'Matrix', selector: 'Likert', subSelector: 'SingleAnswer', block: 1,
      text: 'How satisfied are you with each of the following?',
      answers: [c(1, 'Speed'), c(2, 'Reliability'), c(3, 'Ease of use'), c(4, 'Price / value')],
      choices: SATISFACTION,
    },
    {
      id: 'QID10', exportTag: 'Q10', type: 'MC', selector: 'SAVR', subSelector: 'TX', block: 1, forced: true,
      text: 'Overall, how satisfied are you with Acme?',
      // Recodes run opposite to the ids, as after a "recode values" edit in the survey editor.
      choices: [c(1, 'Extremely satisfied', 5), c(2, 'Somewhat satisfied', 4), c(3, 'Neither satisfied nor dissatisfied', 3),
        c(4, 'Somewhat dissatisfied', 2), c(5, 'Extremely dissatisfied', 1)],
    },
    {
      id: 'QID4', exportTag: 'Q4', type: 'NPS', selector: 'NPS', block: 1, forced: true,
      text: 'How likely are you to recommend Acme to a friend or colleague?', choices: NPS_CHOICES,
    },
    {
      id: 'QID7', exportTag: 'Q7', type: 'Slider', selector: 'HSLIDER', block: 1,
      text: 'Move the sliders: how much do you agree?',
      answers: [c(1, 'I would buy again'), c(2, 'The product is good value')],
    },
    {
      id: 'QID11', exportTag: 'Q11', type: 'RO', selector: 'DND', subSelector: 'TX', block: 1,
      text: 'Rank these features by importance (1 = most important)',
      choices: [c(1, 'Performance'), c(2, 'Design'), c(3, 'Support'), c(4, 'Price')],
    },
    {
      id: 'QID12', exportTag: 'Q12', type: 'CS', selector: 'VRTL', block: 1,
      text: 'Split 100 points across the channels you use to reach us',
      choices: [c(1, 'Email'), c(2, 'Phone'), c(3, 'Chat')],
    },
    { id: 'QID5', exportTag: 'Q5', type: 'TE', selector: 'SL', block: 2, text: 'Which city do you live in?' },
    { id: 'QID6', exportTag: 'Q6', type: 'TE', selector: 'ESTB', block: 2, text: 'Is there anything else you would like to tell us?' },
    {
      id: 'QID8', exportTag: 'Q8', type: 'TE', selector: 'FORM', block: 2, shownRate: 0.7,
      text: 'Contact details (optional)', answers: [c(1, 'Name'), c(2, 'Email'), c(3, 'Phone')],
    },
  ],
  embeddedData: ['panel', 'source', 'Segment'],
  embeddedValues: {
    panel: ['A', 'B', 'C'],
    source: ['newsletter', 'homepage', 'partner, site', 'app "store"', ''],
    Segment: ['Enterprise', 'SMB', 'Éducation', 'Öffentlicher Sektor'],
  },
  loops: [],
  filters: [
    { name: 'Finished = True', rule: 'finished' },
    { name: 'UserLanguage = EN', rule: 'language-en' },
  ],
};

const employeePulse: SurveyTemplate = {
  name: 'Employee Pulse 2024/25: Zürich, Montréal & São Paulo',
  blocks: [{ description: 'About you' }, { description: 'Weekly check-in', looped: true }, { description: 'Team' }],
  questions: [
    {
      id: 'QID1', exportTag: 'Q1.1', type: 'MC', selector: 'SAVR', subSelector: 'TX', block: 0, forced: true,
      text: 'Which office do you work in?',
      choices: [c(1, 'Zürich'), c(2, 'Montréal'), c(3, 'São Paulo'), c(4, 'Remote')],
    },
    {
      id: 'QID2', exportTag: 'Q1.2', type: 'Matrix', selector: 'Likert', subSelector: 'MultipleAnswer', block: 0,
      text: 'Which benefits do you use, and how often?',
      answers: [c(1, 'Gym'), c(2, 'Meal vouchers'), c(3, 'Public transport pass')],
      choices: scale(['Weekly', 'Monthly', 'Rarely']),
    },
    {
      id: 'QID3', exportTag: 'Q1.3', type: 'SBS', selector: 'SBSMatrix', block: 0,
      text: 'Rate each aspect of your job',
      answers: [c(1, 'Workload'), c(2, 'Recognition'), c(3, 'Growth')],
      sbsColumns: [
        { id: '1', text: 'Importance', choices: scale(['Low', 'Medium', 'High']) },
        { id: '2', text: 'Satisfaction', choices: SATISFACTION },
      ],
    },
    {
      id: 'QID4', exportTag: 'Q2.1', type: 'MC', selector: 'SAHR', subSelector: 'TX', block: 1, looped: true,
      // Qualtrics piped text for the loop field, kept literally as the question text holds it.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: this is Qualtrics piped text, not a JS template
      text: 'How was week ${lm://Field/1}?', choices: [c(1, 'Great'), c(2, 'OK'), c(3, 'Tough')],
    },
    { id: 'QID5', exportTag: 'Q2.2', type: 'TE', selector: 'SL', block: 1, looped: true, text: 'One word for that week' },
    // Two questions share the tag "manager": real surveys end up like this after copy-paste.
    { id: 'QID6', exportTag: 'manager', type: 'TE', selector: 'SL', block: 2, text: "Your manager's name" },
    {
      id: 'QID7', exportTag: 'manager', type: 'MC', selector: 'SAVR', subSelector: 'TX', block: 2,
      text: 'How large is your team?', choices: [c(1, '1–5'), c(2, '6–15'), c(3, '16+')],
    },
    { id: 'QID8', exportTag: 'Q3.3', type: 'DB', selector: 'TB', block: 2, text: 'Thank you — شكرا — תודה' },
  ],
  embeddedData: ['department', 'tenure_years'],
  embeddedValues: {
    department: ['Engineering', 'Sales', 'Finance', 'R&D, Zürich', 'Recursos Humanos'],
    tenure_years: ['0', '1', '2', '5', '10'],
  },
  loops: ['1', '2', '3'],
  filters: [
    { name: 'Finished = True', rule: 'finished' },
    { name: 'Email distribution', rule: 'channel-email' },
  ],
};

const websiteFeedback: SurveyTemplate = {
  name: 'Website Feedback (Beta)',
  blocks: [{ description: 'Default Question Block' }],
  questions: [
    {
      id: 'QID1', exportTag: 'Q1', type: 'MC', selector: 'SAVR', subSelector: 'TX', block: 0, randomized: true,
      text: 'What brought you to our website today?',
      choices: [c(1, 'Buy something'), c(2, 'Find support'), c(3, 'Compare prices'), c(4, 'Other', 4, true)],
    },
    {
      id: 'QID2', exportTag: 'Q2', type: 'NPS', selector: 'NPS', block: 0,
      text: 'How likely are you to recommend our website to a friend?', choices: NPS_CHOICES,
    },
    { id: 'QID3', exportTag: 'Q3', type: 'TE', selector: 'ESTB', block: 0, text: 'What could we do better?' },
  ],
  embeddedData: ['utm_source'],
  embeddedValues: { utm_source: ['google', 'newsletter', 'twitter', ''] },
  loops: [],
  filters: [{ name: 'Finished = True', rule: 'finished' }],
};

/** The templates in the order surveys are generated (survey i uses template i mod 3). */
export const TEMPLATES: readonly SurveyTemplate[] = [customerExperience, employeePulse, websiteFeedback];
