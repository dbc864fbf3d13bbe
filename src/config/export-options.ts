/**
 * The export options a survey may set, shared by the config file (`src/config`) and the sync engine
 * (`src/sync`). It lives here because the sync engine may import config types but config may not import sync.
 */

/**
 * Export options a survey may set (FACTS.md §5.1); see `qsync init` for what each does in a config file. The sync
 * engine adds what incremental sync needs.
 */
export interface SurveyExportOptions {
  /** Choice text instead of recode values. */
  useLabels?: boolean;
  /** Only these questions (`QID…`). */
  questionIds?: string[];
  /** Only these embedded-data fields. */
  embeddedDataIds?: string[];
  /** IANA zone of the exported dates; stored dates are UTC either way. */
  timeZone?: string;
  /**
   * A saved filter. Qualtrics refuses continuation and last-modified sorting with a filter, so such a survey is
   * exported whole on every run (and reconciled against the filtered ids).
   */
  filterId?: string;
  seenUnansweredRecode?: number;
  multiselectSeenUnansweredRecode?: number;
  includeDisplayOrder?: boolean;
  breakoutSets?: boolean;
  newlineReplacement?: string;
}
