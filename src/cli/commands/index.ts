import type { Command } from '@commander-js/extra-typings';
import { registerSim } from './sim.ts';

/** Every command, in the order `qsync --help` lists them. Each module declares options and lazy-imports its work. */
export const commands: Array<(program: Command) => void> = [registerSim];
