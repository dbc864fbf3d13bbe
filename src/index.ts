/**
 * Public entry point of the qsync package.
 *
 * The client and the export pipeline are exported flat (`import { QualtricsClient, exportRecords } from 'qsync'`);
 * the parsers, stores, sync engine and config are namespaced to keep their names apart. The simulator has its own
 * entry point, `qsync/sim` (`import { startSimulator } from 'qsync/sim'`), so that nothing here pulls it in.
 */
export * from './client/index.ts';
export * from './export/index.ts';
export * as config from './config/index.ts';
export * as formats from './formats/index.ts';
export * as store from './store/index.ts';
export * as sync from './sync/index.ts';
