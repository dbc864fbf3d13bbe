import type { Command } from '@commander-js/extra-typings';
import { registerConvert } from './convert.ts';
import { registerDemo } from './demo.ts';
import { registerExport } from './export.ts';
import { registerInit } from './init.ts';
import { registerRaw } from './raw.ts';
import { registerSim } from './sim.ts';
import { registerStatus } from './status.ts';
import { registerSurveys } from './surveys.ts';
import { registerSync } from './sync.ts';
import { registerWhoami } from './whoami.ts';
import { registerWorker } from './worker.ts';

/** Every command, in the order `qsync --help` lists them. Each module declares options and lazy-imports its work. */
export const commands: Array<(program: Command) => void> = [
  registerWhoami,
  registerSurveys,
  registerExport,
  registerConvert,
  registerRaw,
  registerInit,
  registerSync,
  registerWorker,
  registerStatus,
  registerSim,
  registerDemo,
];
