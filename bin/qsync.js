#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx's loader so the CLI never goes stale against src/.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
