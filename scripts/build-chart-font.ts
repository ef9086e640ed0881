/**
 * Rebuilds assets/fonts/NotoSansSC-chart.ttf, the only font the digest chart draws with, and
 * assets/fonts/OFL.txt, its licence. Run it after changing any text the chart draws (catalogue keys
 * leaders.chart.* and common.category.*); test/chart.test.ts fails until you do.
 *
 *   npx tsx scripts/build-chart-font.ts            # fetches the source font with `npm pack` (network)
 *   npx tsx scripts/build-chart-font.ts <dir>      # or uses an unpacked copy of that npm package
 *
 * The source is Noto Sans SC Regular from an npm package of Google Fonts files. The full font is
 * 10 MB, so it is fetched here and never a dependency of the project; the subset is a few dozen KB.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import subsetFont from 'subset-font';
import { CHART_FONT_FILE, chartCharacters } from '../src/ui/chart.js';

const SOURCE_PACKAGE = '@expo-google-fonts/noto-sans-sc@0.4.3';
const SOURCE_FONT = join('400Regular', 'NotoSansSC_400Regular.ttf');
const SOURCE_LICENCE = 'LICENSE_FONT';
// Name ids 13 and 14 (licence description and URL) are kept so the subset still carries its OFL notice; 0–6 are kept by default.
const LICENCE_NAME_IDS = [13, 14];
// Without layout closure the subset keeps no glyph reachable only through substitutions (vertical
// forms, ligatures, other locales' variants), which the chart never draws: 21 KB instead of 71 KB.
const NO_LAYOUT_CLOSURE = true;

function fetchSourcePackage(): { dir: string; cleanUp: () => void } {
  const tmp = mkdtempSync(join(tmpdir(), 'chart-font-'));
  const tarball = execFileSync('npm', ['pack', SOURCE_PACKAGE, '--silent', '--pack-destination', tmp], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .at(-1)!;
  execFileSync('tar', ['-xzf', join(tmp, tarball), '-C', tmp]);
  return { dir: join(tmp, 'package'), cleanUp: () => rmSync(tmp, { recursive: true, force: true }) };
}

async function main(): Promise<void> {
  const given = process.argv[2];
  const source = given ? { dir: given, cleanUp: () => {} } : fetchSourcePackage();
  try {
    const text = chartCharacters();
    const subset = await subsetFont(readFileSync(join(source.dir, SOURCE_FONT)), text, {
      targetFormat: 'truetype',
      preserveNameIds: LICENCE_NAME_IDS,
      noLayoutClosure: NO_LAYOUT_CLOSURE,
    });
    writeFileSync(CHART_FONT_FILE, subset);
    copyFileSync(join(source.dir, SOURCE_LICENCE), join(CHART_FONT_FILE, '..', 'OFL.txt'));
    console.log(`${CHART_FONT_FILE}: ${[...text].length} characters, ${subset.length} bytes`);
  } finally {
    source.cleanUp();
  }
}

await main();
