import type { CommitmentsExport } from '../../db/queries/commitments.js';
import { emptyRate, fulfilmentState, percentOf } from '../domain/commitments.js';
import type { Branch } from '../domain/types.js';
import { t, type Locale, type MessageKey } from '../i18n/index.js';
import { areaLabel, outcomeLabel } from '../ui/commitments.js';
import type { Table } from './workbook.js';

/**
 * The export's public commitments (公开承诺): a sheet of rates, a row per branch (those who must
 * commit, who did, the rate, the fulfilment confirmed), and a sheet of the commitments, a row per
 * commitment, then a row for each person asked who made none, so the office sees who is missing.
 */
export function commitmentTables(
  data: CommitmentsExport,
  branches: readonly Branch[],
  locale: Locale,
  localTime: (iso: string | null) => string | null,
): Table[] {
  const h = (key: string) => t(locale, `commitments.col.${key}` as MessageKey);
  const category = (c: string) => t(locale, `common.category.${c}` as MessageKey);
  const branchById = new Map(branches.map((b) => [b.id, b]));
  const rates: Table = {
    key: 'commitment-rates',
    name: t(locale, 'commitments.sheet.rates'),
    headers: [
      'branch_code',
      'branch',
      'category',
      'required',
      'committed',
      'rate',
      'confirmed',
      'fulfilled',
      'partly',
    ].map(h),
    widths: [12, 24, 12, 10, 10, 10, 12, 10, 10],
    rows: branches.map((b) => {
      const r = data.rates.get(String(b.id)) ?? emptyRate();
      return [
        b.code,
        b.name,
        category(b.category),
        r.required,
        r.committed,
        percentOf(r.committed, r.required),
        r.confirmed,
        r.fulfilled,
        r.partly,
      ];
    }),
  };
  const numbers = new Map<number, number>();
  const people: Table = {
    key: 'commitments',
    name: t(locale, 'commitments.sheet.people'),
    headers: [
      'branch_code',
      'branch',
      'person',
      'number',
      'area',
      'text',
      'made_at',
      'outcome',
      'note',
      'link',
      'state',
      'commentary',
    ].map(h),
    widths: [12, 24, 12, 6, 12, 48, 17, 12, 36, 30, 12, 30],
    rows: [
      ...data.rows.map((c) => {
        const n = (numbers.get(c.personId) ?? 0) + 1;
        numbers.set(c.personId, n);
        const b = branchById.get(c.branchId);
        return [
          b?.code ?? '',
          b?.name ?? '',
          c.personName,
          n,
          c.area ? areaLabel(locale, c.area) : null,
          c.text,
          localTime(c.createdAt),
          c.outcome ? outcomeLabel(locale, c.outcome) : null,
          c.outcomeNote,
          c.outcomeLink,
          t(locale, `commitments.state.${fulfilmentState(c)}` as MessageKey),
          c.confirmComment,
        ];
      }),
      ...data.missing.map((m) => {
        const b = branchById.get(m.branchId);
        return [b?.code ?? '', b?.name ?? '', m.name, null, null, h('none'), null, null, null, null, null, null];
      }),
    ],
  };
  return [rates, people];
}
