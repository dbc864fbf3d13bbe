import type { Command } from '@commander-js/extra-typings';
import { withConnectionOptions } from '../connection-options.ts';

/** `qsync surveys list|get`. Implementations are imported only when a subcommand runs. */
export function registerSurveys(program: Command): void {
  const surveys = program.command('surveys').description('List surveys, or show one survey');
  withConnectionOptions(surveys.command('list').description('List every survey visible to the user (all pages)'))
    .option('--json', 'print a JSON array of the survey summaries')
    .action(async (flags) => {
      const { runSurveysList } = await import('./surveys-run.ts');
      await runSurveysList(flags);
    });
  withConnectionOptions(surveys.command('get').description('Show one survey (questions, export tags, response counts)').argument('<surveyId>', 'survey id (SV_…)'))
    .option('--json', 'print the survey as one JSON object')
    .action(async (surveyId, flags) => {
      const { runSurveysGet } = await import('./surveys-run.ts');
      await runSurveysGet(surveyId, flags);
    });
}
