import type { DistributionBucket } from './distribution';
import type { TrainingReportData } from './training-report';

/**
 * The report as one self-contained HTML page (inline CSS and SVG charts; nothing loaded from
 * elsewhere), for people who would rather look than read.
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const COLORS = ['#2f6fb5', '#e07b39', '#4c9a5b', '#b5443a', '#7b5ea7', '#8c6d3f'];

/** Horizontal bar chart of labelled values. */
export function barChart(title: string, bars: readonly { label: string; value: number }[], color = COLORS[0] as string): string {
  const width = 640;
  const rowH = 24;
  const labelW = 200;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(1, bars.length) * rowH + 30;
  const body = bars
    .map((b, i) => {
      const w = Math.round(((width - labelW - 60) * b.value) / max);
      const y = 24 + i * rowH;
      return `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end" font-size="12">${escapeHtml(b.label)}</text><rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}" fill="${color}"><title>${escapeHtml(`${b.label}: ${b.value}`)}</title></rect><text x="${labelW + w + 4}" y="${y + 15}" font-size="12">${b.value}</text>`;
    })
    .join('');
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><text x="0" y="14" font-size="14" font-weight="bold">${escapeHtml(title)}</text>${bars.length ? body : '<text x="0" y="40" font-size="12">（无数据）</text>'}</svg></figure>`;
}

/** Vertical column chart of a monthly series. */
export function columnChart(title: string, series: readonly DistributionBucket[], color = COLORS[1] as string): string {
  const width = 640;
  const height = 220;
  const max = Math.max(1, ...series.map((b) => b.count));
  const colW = (width - 40) / Math.max(1, series.length);
  const cols = series
    .map((b, i) => {
      const h = Math.round((140 * b.count) / max);
      const x = 30 + i * colW;
      return `<rect x="${x + 4}" y="${170 - h}" width="${colW - 8}" height="${h}" fill="${color}"><title>${escapeHtml(`${b.key}: ${b.count}`)}</title></rect><text x="${x + colW / 2}" y="${165 - h}" text-anchor="middle" font-size="11">${b.count}</text><text x="${x + colW / 2}" y="188" text-anchor="middle" font-size="10">${escapeHtml(b.key.slice(2))}</text>`;
    })
    .join('');
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><text x="0" y="14" font-size="14" font-weight="bold">${escapeHtml(title)}</text><line x1="30" y1="170" x2="${width - 10}" y2="170" stroke="#999"/>${cols}</svg></figure>`;
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

export function reportHtml(r: TrainingReportData): string {
  const demo = new Map<string, number>();
  for (const d of r.demographics)
    demo.set(
      `${d.ageBand} ${d.gender === 'FEMALE' ? '女' : '男'}`,
      (demo.get(`${d.ageBand} ${d.gender === 'FEMALE' ? '女' : '男'}`) ?? 0) + d.count,
    );
  const cy = r.conversionYield;
  const row = (k: string, v: string | number) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`学分银行月度数据报告 ${r.province} ${r.period}`)}</title>
<style>body{font-family:"Noto Sans SC","Microsoft YaHei",sans-serif;max-width:720px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 10px;text-align:left}figure{margin:1.5em 0}h1{font-size:1.5em}</style>
</head><body>
<h1>${escapeHtml(`终身学习学分银行月度数据报告（省份 ${r.province}，${r.period}）`)}</h1>
<p>生成时间 ${escapeHtml(r.generatedAt)}</p>
<h2>概况</h2>
<table>${row('认定成果', r.summary.outcomes)}${row('认定学分', r.summary.credits)}${row('学习人数', r.summary.learners)}${row('新开账户', r.summary.newAccounts)}${row('成果环比', pct(r.growth.outcomes))}${row('学分环比', pct(r.growth.credits))}${row('学习人数环比', pct(r.growth.learners))}</table>
${columnChart('近十二个月认定成果数', r.monthlyTrend)}
${barChart(
  '热门培训项目（学习人数）',
  r.topPrograms.map((p) => ({ label: p.name, value: p.learners })),
)}
${barChart(
  '地区分布（认定成果数）',
  r.regionalDistribution.map((b) => ({ label: b.label ?? b.key, value: b.count })),
  COLORS[2],
)}
${barChart(
  '年龄段 × 性别（认定成果数）',
  [...demo].map(([label, value]) => ({ label, value })),
  COLORS[4],
)}
<h2>转换成效</h2>
<table>${row('提交申请', cy.submitted)}${row('批准', cy.approved)}${row('驳回', cy.rejected)}${row('撤回', cy.cancelled)}${row('消耗学分', cy.creditsConsumed)}${row('批准率', pct(cy.approvalRate))}${row('每百名学习者批准转换', cy.approvedPer100Learners ?? '—')}</table>
</body></html>
`;
}
