import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ExportOptions, SimWorld } from '../../../src/sim/contract.ts';
import { buildExport, defaultExportOptions } from '../../../src/sim/export/index.ts';
import { createFixedClock, createWorld } from '../../../src/sim/world/index.ts';
import { shapes } from '../../../src/sim/world/shapes.ts';

/**
 * The generated data and the files written from it, pinned by sha256: the same seed gives the same bytes from
 * one version to the next, not only within one run. The digests were taken from the simulator before its
 * exports were made faster (commit 80ef012) and still hold; a change that moves one changes the simulated data
 * or a file format, on purpose or not.
 */

const T0 = Date.UTC(2025, 0, 15, 12);

/** Three surveys of 1,500 responses, and one of each overlay change per survey. */
function evolvedWorld(): SimWorld {
  const clock = createFixedClock(T0);
  const world = createWorld({ seed: 21, surveys: 3, responsesPerSurvey: 1500, clock });
  clock.advance(60_000);
  for (const s of world.surveys()) {
    world.add(s.id, 3);
    world.edit(s.id, { count: 5 });
    world.delete(s.id, { count: 4 });
    const ids = [...world.responses(s.id)].slice(0, 10).map((r) => r.responseId);
    world.updateEmbeddedData(s.id, ids[2]!, { [s.embeddedData[0]!]: 'x, "y"' }, false);
    world.updateEmbeddedData(s.id, ids[5]!, { [s.embeddedData[0]!]: 'reset' }, true);
    world.create(s.id, { QID1: 2, [s.embeddedData[0]!]: 'created' });
  }
  clock.advance(60_000);
  return world;
}

const VARIANTS: Array<Partial<ExportOptions>> = [
  { format: 'csv' },
  { format: 'tsv', timeZone: 'America/New_York' },
  { format: 'json' },
  { format: 'ndjson', sortByLastModifiedDate: true },
  { format: 'xml', useLabels: true },
  { format: 'spss' },
  { format: 'csv', includeLabelColumns: true, includeDisplayOrder: true, formatDecimalAsComma: true },
  { format: 'csv', seenUnansweredRecode: -99, breakoutSets: false, newlineReplacement: ' ' },
  { format: 'csv', exportResponsesInProgress: true },
];

const EXPECTED = new Map<string, string>([
  ["survey 0 {\"format\":\"csv\"}", 'cb2bee7a217fb230ad7e3daa701a95cebe7b574dd5e70eb1bdb2b371c884e1a8'],
  ["survey 0 {\"format\":\"tsv\",\"timeZone\":\"America/New_York\"}", 'e2fea71a3edcfae75b9f7add778dfc45cae81e9a2feae5567e8eed080b4c274a'],
  ["survey 0 {\"format\":\"json\"}", '4b25dfd28f3c3243bbc7abf8ac34ba705489f0580083445245b2cf8d25967790'],
  ["survey 0 {\"format\":\"ndjson\",\"sortByLastModifiedDate\":true}", '9e3d7058af4ef9301cda331adca8ca26e59312ebd7d2591fe8984f9e03a17648'],
  ["survey 0 {\"format\":\"xml\",\"useLabels\":true}", 'd9c4f6214e836ca9286067817c5a8ad2f8a70dc5b15312c112a70d99ece3c967'],
  ["survey 0 {\"format\":\"spss\"}", '7c38284d5c6f1427458072e856cdf2e9719daa556257967be143f9752c8d8f6d'],
  ["survey 0 {\"format\":\"csv\",\"includeLabelColumns\":true,\"includeDisplayOrder\":true,\"formatDecimalAsComma\":true}", '23f20695d515fd9d60ec8aea6731ad1662ab03e489ea6e7a3833d518e0e000a1'],
  ["survey 0 {\"format\":\"csv\",\"seenUnansweredRecode\":-99,\"breakoutSets\":false,\"newlineReplacement\":\" \"}", '75eb6599bc82f88ef79d86951856be890403de8d297baf7eb131f16427c643e6'],
  ["survey 0 {\"format\":\"csv\",\"exportResponsesInProgress\":true}", 'eb77494feabe3cd6b48956f25c5526d74836930fd43af321838e7210421f2024'],
  ["survey 0 ground truth", '48ff43a13a1ee4373950a23cff94e08ec4f1a8469aa0a1641948b4d405489dc6'],
  ["survey 1 {\"format\":\"csv\"}", '677ca71ff76135473cf52bffbafb85a8cca74e1b1a8c2a8c692ddca6d9f8dec3'],
  ["survey 1 {\"format\":\"tsv\",\"timeZone\":\"America/New_York\"}", 'a7a763809298fc390afd01e716576ef62db20e02bf9fe5793d13341152e5f164'],
  ["survey 1 {\"format\":\"json\"}", 'ae1ad6d5fc2f8f8c1c0cc74aec5ab9804aba4c4e9fa98cdd352414689ff2b0db'],
  ["survey 1 {\"format\":\"ndjson\",\"sortByLastModifiedDate\":true}", '0c2042f61cd360207da25bcbd861bff6d1ea06a37d8838d0062995c7471ffdd3'],
  ["survey 1 {\"format\":\"xml\",\"useLabels\":true}", '34689f04105bf44be12e1ca6d37324a2ed7874b87d23cdf554c95f73c7312c33'],
  ["survey 1 {\"format\":\"spss\"}", '5671ead5d9e0136dd31b9362bb4e94390d5f5601c22e4bfb2c1ee03f93636650'],
  ["survey 1 {\"format\":\"csv\",\"includeLabelColumns\":true,\"includeDisplayOrder\":true,\"formatDecimalAsComma\":true}", 'ef7d168297726fca70a22ad88bfbd4f538a19f36d239f88326072cf405936cac'],
  ["survey 1 {\"format\":\"csv\",\"seenUnansweredRecode\":-99,\"breakoutSets\":false,\"newlineReplacement\":\" \"}", '83e97d31b096160f2458196e9fac362fff9800d3a5a542dff2e17e0738aefbd2'],
  ["survey 1 {\"format\":\"csv\",\"exportResponsesInProgress\":true}", '2ebb9b1bac41809d29176fc90b6323a69fe30aa70cb495154e07af4776089fd3'],
  ["survey 1 ground truth", '3e17839c2b13405a7cdf628f9a186ba36502177d8a10abc7d14269d19c6ffdc5'],
  ["survey 2 {\"format\":\"csv\"}", '90038c64e43cf5fb4a0ffe30a1679608e83f7566184fbccb837395a22b80cd64'],
  ["survey 2 {\"format\":\"tsv\",\"timeZone\":\"America/New_York\"}", '6833b229f5b161b218ee96926fd141fc71c6defc47e2319f58fb95b4cdfa4755'],
  ["survey 2 {\"format\":\"json\"}", '74038698d64eee62a55bab4f8f44f02124f25a9e31c41e67b722325a443b8ef6'],
  ["survey 2 {\"format\":\"ndjson\",\"sortByLastModifiedDate\":true}", '597468b27de1c097b33495d5a39f859022a8bb82927b21c9a532f4d7504c66da'],
  ["survey 2 {\"format\":\"xml\",\"useLabels\":true}", 'd5a1bc0858227ff5dc27fc3f8df206c4daf50dfbf727a8c3c7e954fa15a3642e'],
  ["survey 2 {\"format\":\"spss\"}", '8d0996c2ee9e0b6c240bc3a4d92615bf457fe356483ac0e36d07150dee67cd6b'],
  ["survey 2 {\"format\":\"csv\",\"includeLabelColumns\":true,\"includeDisplayOrder\":true,\"formatDecimalAsComma\":true}", 'c12e38e4f97367797bff228e9117317ee8db36d7ef6bd9b02e5f4b284e496b47'],
  ["survey 2 {\"format\":\"csv\",\"seenUnansweredRecode\":-99,\"breakoutSets\":false,\"newlineReplacement\":\" \"}", '1d419bad916cf421bf458bacaaba6c3b85600acec7faddb20d2ecf4d64d24a9d'],
  ["survey 2 {\"format\":\"csv\",\"exportResponsesInProgress\":true}", '539049058cc521bb2c00e6938620cbe24a443daec94ebb6f866911883acf7a9d'],
  ["survey 2 ground truth", '7a849c6354620ba67b974b3755b7abfe2dcdbd89f198cdb87364d4a3c03c0109'],
]);

describe('generated exports are pinned', () => {
  it('every format and option set of every template hashes as before', async () => {
    const world = evolvedWorld();
    const actual = new Map<string, string>();
    for (const [i, s] of world.surveys().entries()) {
      for (const variant of VARIANTS) {
        const hash = createHash('sha256');
        const options = defaultExportOptions({ compress: false, asOf: world.clock.now(), ...variant });
        for await (const chunk of buildExport(world, s.id, options).open()) hash.update(chunk as Buffer);
        actual.set(`survey ${i} ${JSON.stringify(variant)}`, hash.digest('hex'));
      }
      const truth = createHash('sha256');
      for (const r of world.responses(s.id)) truth.update(`${shapes.groundTruthLine(s, r)}\n`);
      actual.set(`survey ${i} ground truth`, truth.digest('hex'));
    }
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(EXPECTED));
  });
});
