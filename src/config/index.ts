/**
 * qsync's config file (`qsync.config.yaml` / `qsync.config.json`): parsing, `${ENV}` substitution, validation with
 * every problem reported at once, defaults, and the starter file `qsync init` writes.
 */
export {
  CONFIG_DEFAULTS,
  CONFIG_FILE_NAMES,
  type ConfigFileIssue,
  ConfigFileError,
  type ConnectionConfig,
  type QsyncConfig,
  type SurveyConfig,
  type SurveyExportOptions,
} from './config.ts';
export { type EnvIssue, substituteEnv, substituteString } from './env.ts';
export { findConfigFile, type LoadConfigOptions, loadConfig, parseConfig } from './load.ts';
export { STARTER_CONFIG_JSON, STARTER_CONFIG_YAML } from './starter.ts';
