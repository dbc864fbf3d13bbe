import type { SimResponse } from '../contract.ts';

/** A cell before rendering: a number, a string, or nothing (empty). Date columns hold epoch ms. */
export type CellValue = number | string | undefined;

/** Header row 3 object: `{"ImportId":"QID1"}`, plus `timeZone`, `choiceId` or `IsLabelsColumn` where they apply. */
export type ImportId = Record<string, string | boolean>;

export interface Column {
  /** Header row 1: the export tag (`Q1`, `Q2_3`, `1_Q5`, `StartDate`…). May repeat across columns. */
  header: string;
  /** Header row 2: question text or field label. */
  label: string;
  importId: ImportId;
  /**
   * `date`: epoch ms rendered in the export's zone; `numeric`: a number (or a recode); `string`: text. Decides
   * the SPSS variable type too.
   */
  type: 'date' | 'numeric' | 'string';
  /** A string column that holds a decimal number (latitude/longitude): subject to formatDecimalAsComma. */
  decimalText?: boolean;
  /** Decimal places SPSS displays for a numeric column (default 0). */
  decimals?: number;
  /** Code → label, for coded numeric columns (choices, status, finished, NPS group). */
  valueLabels?: ReadonlyMap<number, string> | undefined;
  get(r: SimResponse): CellValue;
}

/** Whether the respondent was shown the question with this unit key (no `displayed` list means all were). */
export function seen(r: SimResponse, unitKey: string): boolean {
  return r.displayed === undefined || r.displayed.includes(unitKey);
}
