import type { Command } from '@commander-js/extra-typings';

export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('Run a local Qualtrics API simulator (until SIGINT/SIGTERM)')
    .action(async () => {
      throw new Error('not implemented yet');
    });
}
