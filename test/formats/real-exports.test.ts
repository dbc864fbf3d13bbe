/**
 * Every real export in test/fixtures/real converts with the row and column counts of MANIFEST.tsv and the
 * response ids read off the files by hand. Discrepancy, on purpose: the nine legacy (V1…V10) files end every
 * line with a comma, which MANIFEST counts as one more column; the parser drops that unnamed, always-empty
 * trailing column, so they have MANIFEST cols − 1.
 */

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openExport } from '../../src/formats/index.ts';
import { REAL, readAll, readManifest } from './helpers.ts';

const CT = 'ctesta01__QualtricsTools/data__Sample Surveys__';
const RO = 'ropensci__qualtRics/tests__fixtures__';

/** First and last response id of each export, copied by hand from the files. */
const IDS: Record<string, [string, string] | null> = {
  [`${CT}Better Sample Survey__Better_Sample_Survey.csv`]: ['R_9RWrgh1F9m7488l', 'R_2rzdbdSqbgVTlHv'],
  [`${CT}Choice Text from Response Columns__Choice_Text_from_Response_Columns.csv`]: ['R_0PshI3QxglaoaTX', 'R_6X6aNnAYzPa8imp'],
  [`${CT}Comment Coding__Test_Survey_for_Coded_Comments.csv`]: ['R_bdygJsbbIhnpYz3', 'R_0cFjjHecLS767Bz'],
  [`${CT}Long Exhaustive Sample Survey__Long_Exhaustive_Sample_Survey.csv`]: ['R_5jOny0MNHNU6WS9', 'R_8dBar7GEgAFDce9'],
  [`${CT}Long Exhaustive Sample Survey__SPSS__Long__Exhaustive Pre-Insights.csv`]: ['R_5jOny0MNHNU6WS9', 'R_8dBar7GEgAFDce9'],
  [`${CT}Long Exhaustive Sample Survey__SPSS__Long__Exhaustive_Sample_Survey.csv`]: ['R_5jOny0MNHNU6WS9', 'R_8dBar7GEgAFDce9'],
  [`${CT}Many Different Question Types__Sample_Survey (Insights).csv`]: ['R_e8z6glNpLL4PkcR', 'R_9N5Yvu0Pp6O5Vn7'],
  [`${CT}Many Different Question Types__Sample_Survey.csv`]: ['R_e8z6glNpLL4PkcR', 'R_9N5Yvu0Pp6O5Vn7'],
  [`${CT}Matrix Single Answer Survey__Matrix_Single_Answer_Testing.csv`]: ['R_9zeKuQluLf9CNU1', 'R_6QonGDfxQ79wpJr'],
  [`${CT}Multiple Answer Matrix Questions__Multiple_Answer_Matrix_Questions (Insights).csv`]: ['R_8i9uJcWSX3p4lX7', 'R_2ugh5IsUaTm6Y2V'],
  [`${CT}Multiple Answer Matrix Questions__Multiple_Answer_Matrix_Questions.csv`]: ['R_8i9uJcWSX3p4lX7', 'R_2ugh5IsUaTm6Y2V'],
  [`${CT}Multiple Answer Multiple Choices Questions__Multiple_Answer_MC_Questions (Insights).csv`]: ['R_bIVJQDOvulWU4BL', 'R_5d5Farh7brTe56d'],
  [`${CT}Multiple Answer Multiple Choices Questions__Multiple_Answer_MC_Questions.csv`]: ['R_bIVJQDOvulWU4BL', 'R_5d5Farh7brTe56d'],
  [`${CT}No Basis for Evaluation__No_Basis_for_Evaluation (Insights).csv`]: ['R_ebopwASnJ6p0KSp', 'R_cMkftXWgl0BWu0Z'],
  [`${CT}No Basis for Evaluation__No_Basis_for_Evaluation (Legacy).csv`]: ['R_ebopwASnJ6p0KSp', 'R_cMkftXWgl0BWu0Z'],
  [`${CT}Sample Survey 1__Sample_Survey.csv`]: ['R_9RWrgh1F9m7488l', 'R_3OCWLC3rgTT1pgF'],
  [`${CT}Side-by-Side Questions__SidebySide_Questions (Insights).csv`]: ['R_ewCdw76T6j8eNRH', 'R_5zPhB03htvhCfmB'],
  [`${CT}Side-by-Side Questions__SidebySide_Questions (Legacy).csv`]: ['R_ewCdw76T6j8eNRH', 'R_5zPhB03htvhCfmB'],
  [`${CT}Single Answer Matrix Questions__Single_Answer_Matrix_Questions (Insights).csv`]: ['R_9H2nlL82R9Yq21v', 'R_0wUVL7ttMUcpJOJ'],
  [`${CT}Single Answer Matrix Questions__Single_Answer_Matrix_Questions.csv`]: ['R_9H2nlL82R9Yq21v', 'R_0wUVL7ttMUcpJOJ'],
  [`${CT}Single Answer Multiple Choice Questions__Single_Answer_MC_Questions (Insights).csv`]: ['R_862TbryT6hpIAfP', 'R_eWmiNLb28AJYLyd'],
  [`${CT}Single Answer Multiple Choice Questions__Single_Answer_MC_Questions.csv`]: ['R_862TbryT6hpIAfP', 'R_eWmiNLb28AJYLyd'],
  [`${CT}Survey Logic__Survey_Logic_EVERYWHERE.csv`]: ['R_6Yeyq8yNFUHQwK1', 'R_efzuCpBhJtJND5X'],
  [`${CT}Text Entry Components__Questions_with_Text_Entry_Components.csv`]: ['R_03bZW3oneV8tKqp', 'R_dpatF5DH63p5mdf'],
  [`${CT}User Notes Survey__Notes_Survey.csv`]: ['R_5gmKcYWZYLfS4LP', 'R_ekONO1l72MyUjEF'],
  'ropensci__qualtRics/inst__extdata__sample.csv': ['R_2YPOQ602ER1jkf1', 'R_2YPOQ602ER1jkf1'],
  [`${RO}extract_colmap.yml.r12_GET_200.zip__Cats Can Have a Little Salami.csv`]: ['R_1hMCpoT7s2jVxQB', 'R_6IghawvE3c8Qeet'],
  [`${RO}fetch_one_qid.yml.r09_GET_200.zip__Beskar Armor.csv`]: ['R_A7l3qPgjI2gQ6vT', 'R_aVlJO2wbv4GFAWN'],
  [`${RO}fetch_survey.yml.r08_GET_200.zip__Beskar Armor.csv`]: ['R_A7l3qPgjI2gQ6vT', 'R_3Qyt9WF7ibwwVsl'],
  [`${RO}fetch_survey_custom.yml.r07_GET_200.zip__Beskar Armor.csv`]: ['R_A7l3qPgjI2gQ6vT', 'R_aVlJO2wbv4GFAWN'],
  // Exported with surveyMetadataIds = [] : only SolutionRevision, no response id column at all.
  [`${RO}fetch_survey_exclude.yml.r09_GET_200.zip__Beskar Armor.csv`]: null,
  'drsimonj__qualtricsr/inst__extdata__raven.tsv': ['R_eu0zBI875ijlgpv', 'R_ai7d63XhTx473lX'],
};

const DIALECTS: Record<string, string> = {
  'CSV export - current 3-header (ImportId JSON row)': 'current',
  "CSV export - 2016-18 Insights/responseexports ({'ImportId'} row)": 'insights',
  'CSV export - legacy (V1..V10)': 'legacy',
  'CSV - other (single header / derived)': 'single-header',
  'TSV export': 'importid-tags',
};

const manifest = readManifest();
const delimited = manifest.filter((m) => /\.(csv|tsv)$/.test(m.file));

describe('every real CSV/TSV export', () => {
  it('is listed with hand-read ids', () => {
    expect(delimited.map((m) => m.file).sort()).toEqual(Object.keys(IDS).sort());
  });

  for (const entry of delimited) {
    it(`${entry.file}: ${entry.rows} rows, response ids, dialect`, async () => {
      const { file, records } = await readAll(join(REAL, entry.file));
      const legacy = entry.format.includes('legacy');
      expect(file.format).toBe(entry.file.endsWith('.tsv') ? 'tsv' : 'csv');
      expect(file.columns.dialect).toBe(DIALECTS[entry.format]);
      expect(records).toHaveLength(entry.rows!);
      expect(file.columns.columns).toHaveLength(legacy ? entry.cols! - 1 : entry.cols!);
      const keys = file.columns.columns.map((c) => c.key);
      expect(new Set(keys).size).toBe(keys.length);
      expect(Object.keys(records[0]!.values)).toEqual(keys);
      const ids = IDS[entry.file];
      if (ids) {
        expect([records[0]!.responseId, records.at(-1)!.responseId]).toEqual(ids);
        expect(new Set(records.map((r) => r.responseId)).size).toBe(records.length);
      } else {
        expect(records.every((r) => r.responseId === null)).toBe(true);
      }
    });
  }
});

describe('every real export zip, read through the unzip path', () => {
  const zips = manifest.filter((m) => m.file.endsWith('.zip'));
  it('finds the five zips', () => expect(zips).toHaveLength(5));

  for (const zip of zips) {
    const member = manifest.find((m) => m.file.startsWith(`${zip.file}__`))!;
    it(`${zip.file} holds ${member.rows} × ${member.cols}`, async () => {
      const { file, records } = await readAll(join(REAL, zip.file));
      expect(file.entryName).toBe(member.file.slice(zip.file.length + 2));
      expect(file.format).toBe('csv');
      expect(records).toHaveLength(member.rows!);
      expect(file.columns.columns).toHaveLength(member.cols!);
      const ids = IDS[member.file];
      expect(ids === null ? records[0]!.responseId : [records[0]!.responseId, records.at(-1)!.responseId]).toEqual(ids);
    });
  }
});

describe('real xml files', () => {
  for (const entry of manifest.filter((m) => m.file.endsWith('.xml'))) {
    it(`${entry.file} is detected as xml and is file-only`, async () => {
      const file = await openExport(join(REAL, entry.file));
      expect(file.format).toBe('xml');
      expect(file.columns.columns).toEqual([]);
      await expect(async () => {
        for await (const _ of file.records()) break;
      }).rejects.toThrow(/xml exports are file-only/);
    });
  }
});
