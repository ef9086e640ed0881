import type { CampaignExport } from '../../db/queries/campaign-export.js';
import type { CommendationRules } from '../domain/commendations.js';
import { projectNumber, rankProjects, type ProjectRules } from '../domain/projects.js';
import { pick, t, type Locale, type MessageKey } from '../i18n/index.js';
import { stageLabel, tierLabel } from '../ui/projects.js';
import { nominationNumber, statusLabel } from '../ui/commendations.js';
import type { Table } from './workbook.js';

/**
 * The export's sheets of innovation projects and commendations. Averages and spreads only for
 * projects whose assessors have all scored: the export reads the sheets through the same rule.
 */
export function campaignTables(
  data: CampaignExport,
  rules: { projects: ProjectRules | null; commendations: CommendationRules | null },
  locale: Locale,
  localTime: (iso: string | null) => string | null,
): Table[] {
  const h = (key: string) => t(locale, key as MessageKey);
  const category = (c: string) => t(locale, `common.category.${c}` as MessageKey);
  const out: Table[] = [];
  if (rules.projects) {
    const criteria = rules.projects.criteria;
    const tiers = rules.projects.tiers;
    out.push({
      key: 'projects',
      name: h('project.sheet.name'),
      headers: [
        'number',
        'branch_code',
        'branch',
        'category',
        'title',
        'stage',
        'registered_at',
        'applied_at',
        'assessors',
        'average',
        'spread',
        'award',
      ].map((k) => h(`project.col.${k}`)),
      widths: [10, 12, 24, 14, 36, 14, 17, 17, 10, 8, 8, 12],
      rows: data.projects.map((p) => {
        const ranked = p.sheets ? rankProjects(criteria, [{ projectId: p.id, sheets: p.sheets }])[0] : undefined;
        return [
          projectNumber(p.id),
          p.branchCode,
          p.branchName,
          category(p.branchCategory),
          p.title,
          stageLabel(locale, p.stage),
          localTime(p.registeredAt),
          localTime(p.appliedAt),
          `${p.scored}/${p.assigned}`,
          ranked ? Math.round(ranked.average * 100) / 100 : null,
          ranked ? Math.round(ranked.spread * 100) / 100 : null,
          p.stage === 'award' ? tierLabel(locale, tiers, p.tier) : null,
        ];
      }),
    });
  }
  if (rules.commendations) {
    const rounds = new Map(rules.commendations.rounds.map((r) => [r.code, r]));
    out.push({
      key: 'commendations',
      name: h('commend.sheet.name'),
      headers: [
        'number',
        'round',
        'category',
        'nominee',
        'branch_code',
        'branch',
        'status',
        'upheld',
        'dismissed',
        'nominated_at',
      ].map((k) => h(`commend.col.${k}`)),
      widths: [8, 16, 20, 24, 12, 24, 14, 8, 8, 17],
      rows: data.nominations.map((n) => {
        const round = rounds.get(n.round);
        const cat = round?.categories.find((c) => c.code === n.category);
        return [
          nominationNumber(n.id),
          round ? pick(round.title, locale) : n.round,
          cat ? pick(cat.title, locale) : n.category,
          n.nomineeName,
          n.branchCode,
          n.branchName,
          statusLabel(locale, n.status),
          n.objections.upheld,
          n.objections.dismissed,
          localTime(n.nominatedAt),
        ];
      }),
    });
  }
  return out;
}
