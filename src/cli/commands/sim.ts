import type { Command } from '@commander-js/extra-typings';

/** `qsync sim`: the local Qualtrics API simulator. Its implementation is imported only when the command runs. */
export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('Run a local Qualtrics API simulator (until SIGINT/SIGTERM)')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--port <port>', 'TCP port (0 picks a free one)', '0')
    .option('--seed <n>', 'seed of the generated surveys, responses and credentials', '1')
    .option('--surveys <k>', 'number of generated surveys', '3')
    .option('--responses <n>', 'completed responses generated per survey', '100')
    .option('--brand-limit <perMin>', 'brand-wide rate limit in requests per minute', '3000')
    .option('--rate-scale <f>', 'multiplier of the per-endpoint rate limits', '1')
    .option('--retry-after <s>', 'send Retry-After: <s> on 429 answers (the real API sends none)')
    .option('--export-delay-ms <ms>', 'simulated time an export job takes', '1000')
    .option('--token-ttl <s>', 'OAuth access-token lifetime in simulated seconds', '3600')
    .option('--json', 'print one JSON line {baseUrl, clientId, clientSecret, apiToken, surveyIds}')
    .action(async (flags) => {
      const { runSimCommand } = await import('../../sim/cli.ts');
      await runSimCommand(flags);
    });
}
