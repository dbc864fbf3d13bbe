import { Command, CommanderError } from '@commander-js/extra-typings';
import { commands } from './commands/index.ts';
import { exitCodeFor, formatError } from './errors.ts';

/** Builds the program. Each command module only declares options; its work is imported lazily on use. */
export function buildProgram(): Command {
  const program = new Command('qsync')
    .description('Get data out of Qualtrics and keep it in sync.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError('(run qsync --help for usage)');
  for (const register of commands) register(program);
  return program;
}

/** CLI entry point: returns the process exit code (0 ok, 1 runtime failure, 2 usage or config error). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') {
        return 0;
      }
      return 2;
    }
    process.stderr.write(`qsync: ${formatError(err)}\n`);
    return exitCodeFor(err);
  }
}
