/**
 * The report's chart as a PNG: units ranked by score (bars) and the quarter's dormant-account trend (a line), drawn
 * with ECharts' server-side SVG renderer and rasterised by resvg (no browser). Chinese text uses Noto Sans SC
 * (思源黑体, SIL Open Font License 1.1) from the `@embedpdf/fonts-sc` package (its GB2312 subset, Regular weight,
 * 8 MB). resvg parses the font for every text element, so each chart is drawn with a subset holding only the
 * characters it shows (harfbuzz's hb-subset through `subset-font`, a few kB), written to a temporary file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import subsetFont from 'subset-font';
import { quarterName, type Report, type UnitResult } from '../../domain/report.js';

const require = createRequire(import.meta.url);
/** The font file (the package's exports do not list its fonts: found next to its entry point). */
export const CHART_FONT = path.join(
  path.dirname(require.resolve('@embedpdf/fonts-sc')),
  '..',
  'fonts',
  'NotoSansHans-Regular.otf',
);
const FONT_FAMILY = 'Noto Sans SC';

/** Units drawn at most: the top and the bottom of the ranking when there are more. */
export const CHART_UNITS = 30;
const WIDTH = 1200;
const BAR_HEIGHT = 26;

function shownUnits(units: readonly UnitResult[]): UnitResult[] {
  if (units.length <= CHART_UNITS) return [...units];
  const half = CHART_UNITS / 2;
  return [...units.slice(0, half), ...units.slice(-half)];
}

const shortName = (s: string): string => (s.length > 14 ? `${s.slice(0, 13)}…` : s);

/** The chart as SVG text (ECharts SSR). */
export function chartSvg(r: Report): string {
  const units = shownUnits(r.units);
  const barsHeight = Math.max(120, units.length * BAR_HEIGHT);
  const top = 70;
  const trendTop = top + barsHeight + 90;
  const height = trendTop + 260;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height });
  const cut = r.units.length > CHART_UNITS ? `（共 ${r.units.length} 个单位，显示前后各 ${CHART_UNITS / 2} 名）` : '';
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT_FAMILY },
    title: [
      {
        text: `${quarterName(r.quarter)}政务新媒体检查：单位得分排名${cut}`,
        left: 'center',
        top: 16,
        textStyle: { fontSize: 20, fontFamily: FONT_FAMILY },
      },
      {
        text: `“僵尸”账号数量变化（连续 ${r.settings.dormantDays} 天以上未更新）`,
        left: 'center',
        top: trendTop - 50,
        textStyle: { fontSize: 18, fontFamily: FONT_FAMILY },
      },
    ],
    grid: [
      { left: 230, right: 80, top, height: barsHeight },
      { left: 80, right: 80, top: trendTop, height: 180 },
    ],
    xAxis: [
      { gridIndex: 0, type: 'value', min: 0, max: 100, axisLabel: { fontFamily: FONT_FAMILY } },
      {
        gridIndex: 1,
        type: 'category',
        data: r.trend.map((t) => t.day.slice(5)),
        axisLabel: { fontFamily: FONT_FAMILY },
      },
    ],
    yAxis: [
      {
        gridIndex: 0,
        type: 'category',
        inverse: true,
        data: units.map((u) => `${u.rank}. ${shortName(u.unitName)}`),
        axisLabel: { fontFamily: FONT_FAMILY, fontSize: 13 },
      },
      { gridIndex: 1, type: 'value', minInterval: 1, name: '个', axisLabel: { fontFamily: FONT_FAMILY } },
    ],
    series: [
      {
        type: 'bar',
        xAxisIndex: 0,
        yAxisIndex: 0,
        barMaxWidth: 18,
        data: units.map((u) => ({
          value: u.score,
          itemStyle: { color: u.failed ? '#d9534f' : u.score >= 90 ? '#2e7d32' : '#1f6fb2' },
        })),
        label: {
          show: true,
          position: 'right',
          fontFamily: FONT_FAMILY,
          formatter: (p: { value: number }) => p.value.toFixed(1),
        },
      },
      {
        type: 'line',
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: r.trend.map((t) => t.dormant),
        itemStyle: { color: '#d9534f' },
        label: { show: true, fontFamily: FONT_FAMILY },
      },
    ],
  });
  try {
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

let fontBytes: Buffer | null = null;
let subsetDir: string | null = null;
const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** A font file with just the characters of `svg`'s text (cached by that set of characters). */
async function fontFor(svg: string): Promise<string> {
  const text = svg.replace(/<[^>]*>/g, '').replace(/&(amp|lt|gt|quot|#39);/g, (e) => entities[e] ?? e);
  const chars = [...new Set(`${text}0123456789.-…`)].sort().join('');
  subsetDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-font-'));
  const file = path.join(subsetDir, `${crypto.createHash('sha1').update(chars).digest('hex')}.otf`);
  if (!fs.existsSync(file)) {
    fontBytes ??= fs.readFileSync(CHART_FONT);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, await subsetFont(fontBytes, chars, { targetFormat: 'sfnt' }));
    fs.renameSync(tmp, file);
  }
  return file;
}

/** The chart as PNG bytes. */
export async function chartPng(r: Report): Promise<Uint8Array> {
  const svg = chartSvg(r);
  const font = await fontFor(svg);
  const png = new Resvg(svg, {
    background: '#ffffff',
    font: { fontFiles: [font], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  })
    .render()
    .asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
