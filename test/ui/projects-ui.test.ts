import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../src/domain/digest.js';
import { parsePlan } from '../../src/domain/plan.js';
import { proposeTiers, rankProjects, type Project, type ProjectDuty } from '../../src/domain/projects.js';
import type { Round } from '../../src/domain/commendations.js';
import { announcementPosts, NOMINEES_PER_REPLY, publicityPosts, type NomineeLine } from '../../src/ui/commendations.js';
import { digestMessages } from '../../src/ui/digest.js';
import {
  awardPosts,
  dutyMessages,
  projectsHomeBlocks,
  reviewListBlocks,
  type ReviewRow,
} from '../../src/ui/projects.js';
import { PLAN_2011 } from '../helpers/db.js';
import { link } from '../../src/ui/limits.js';
import { validateBlockKit } from '../../src/playground/block-kit-limits.js';

const parsed = parsePlan(fs.readFileSync(PLAN_2011, 'utf8'));
if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
const rules = parsed.value.projects!;
const july1 = parsed.value.commendations!.rounds[0] as Round;

function nominees(n: number): NomineeLine[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    category: july1.categories[i % 4]!.code,
    nomineeName: `<b>候选人${i + 1}</b> & 其他`,
    branchName: `第${i + 1}小学党支部`,
    nomineeKind: july1.categories[i % 4]!.nominee,
    status: 'shortlisted' as const,
  }));
}

describe('the publicity and the final list for 300 nominees', () => {
  it('when 300 are shortlisted, then a summary and thread replies fit Slack’s limits, each reply with an objection button for its 100', () => {
    const posts = publicityPosts('zh-CN', july1, nominees(300), { from: '2011-06-20', to: '2011-06-24' });
    expect(validateBlockKit('message', posts.main)).toEqual([]);
    expect(posts.main.blocks.length).toBeLessThan(10);
    expect(posts.thread).toHaveLength(300 / NOMINEES_PER_REPLY);
    for (const [i, reply] of posts.thread.entries()) {
      expect(validateBlockKit('message', reply)).toEqual([]);
      const actions = reply.blocks.filter((b) => b.type === 'actions') as {
        elements: { action_id: string; value: string }[];
      }[];
      expect(actions.map((a) => a.elements[0]!.action_id)).toEqual(['commend_object']);
      expect(JSON.parse(actions[0]!.elements[0]!.value)).toEqual({ r: 'JULY1', p: i + 1 });
    }
    const all = JSON.stringify(posts.thread);
    for (const n of [1, 150, 300]) expect(all).toContain(`№${n} `);
    // Names people typed are escaped where they become mrkdwn.
    expect(all).toContain('&lt;b&gt;候选人1&lt;/b&gt; &amp; 其他');
    expect(all).not.toContain('<b>');
  });

  it('when the final list is announced, then it fits too and carries no objection button', () => {
    const posts = announcementPosts('en', july1, nominees(300));
    expect(validateBlockKit('message', posts.main)).toEqual([]);
    for (const reply of posts.thread) {
      expect(validateBlockKit('message', reply)).toEqual([]);
      expect(reply.blocks.some((b) => b.type === 'actions')).toBe(false);
    }
  });
});

describe('the committee’s list and the awards', () => {
  const rows: ReviewRow[] = (() => {
    const entries = Array.from({ length: 1000 }, (_, i) => ({
      projectId: i + 1,
      sheets: [0, 1, 2].map((k) => ({
        innovation: (i + k) % 11,
        practicability: (i * 3 + k) % 11,
        effect: (i * 7) % 11,
        spread: k + 5,
      })),
    }));
    const ranked = rankProjects(rules.criteria, entries);
    const auto = new Map(proposeTiers(rules.tiers, ranked).map((p) => [p.projectId, p]));
    return ranked.map((r) => ({
      ranked: r,
      project: { id: r.projectId, title: `项目${r.projectId}：一个名字很长很长的党建创新项目` },
      branchName: `第${r.projectId}中学党总支`,
      auto: auto.get(r.projectId)!,
      proposed: null,
    }));
  })();

  it('when 1,000 projects are in review, then the list shows the first 100 ranked and fits one message', () => {
    const blocks = reviewListBlocks({ locale: 'zh-CN', rows, rules, planId: 1, due: '2011-12-15' });
    expect(validateBlockKit('message', { blocks })).toEqual([]);
    const text = JSON.stringify(blocks);
    expect(text).toContain('综合评审：1000 个项目');
    expect(text).toContain('另有 900 个');
    expect(text).toContain('尚未拟定：1000 个');
  });

  it('when the awards are announced, then the summary and its thread fit', () => {
    const awarded = rows
      .slice(0, 300)
      .map((r, i) => ({ tier: rules.tiers[i % 4]!.code, title: r.project.title, branchName: r.branchName }));
    const posts = awardPosts('zh-CN', rules.tiers, awarded);
    expect(validateBlockKit('message', posts.main)).toEqual([]);
    for (const reply of posts.thread) expect(validateBlockKit('message', reply)).toEqual([]);
    expect(JSON.stringify(posts.main.blocks)).toContain('一等奖 75 · 二等奖 75 · 三等奖 75 · 优秀奖 75');
  });
});

describe('links, the Home part, reminders and the digest', () => {
  it('when a link has a |, then Slack cannot end it early: it is percent-encoded and labelled from itself', () => {
    // Projects' evidence goes through the one link helper.
    expect(link('https://example.org/a|b')).toMatch(/^<https:\/\/example\.org\/a%7Cb\|example\.org\/a%7Cb>$/);
  });

  it('when a secretary has projects and an assessor has scores to give, then the Home part stays small and fits', () => {
    const project = (id: number, stage: Project['stage']): Project => ({
      id,
      planId: 1,
      branchId: 1,
      title: `项目${id}`,
      aims: 'a',
      approach: 'b',
      expected: 'c',
      results: null,
      evidence: [],
      registeredBy: 1,
      registeredAt: '2011-05-01T00:00:00Z',
      appliedAt: null,
      stage,
    });
    const blocks = projectsHomeBlocks('en', {
      branches: [
        {
          branch: { id: 1, name: 'No. 1 Middle School' },
          projects: [project(1, 'award')],
          canRegister: false,
          registrationDue: '2011-05-31',
        },
      ],
      awards: new Map([[1, 'first']]),
      rules,
      toScore: Array.from({ length: 8 }, (_, i) => ({ projectId: i + 10, title: `P${i}` })),
      counts: { registration: 1, implementation: 0, application: 0, assessment: 8, review: 0, award: 1 },
      toAssign: [],
    });
    expect(blocks.length).toBeLessThanOrEqual(12);
    expect(validateBlockKit('home', { type: 'home', blocks })).toEqual([]);
    expect(JSON.stringify(blocks)).toContain('First prize');
  });

  it('when the committee’s dates are reminded, then one DM carries every item, with a Score button on each sheet to give', () => {
    const duty = (k: number): ProjectDuty => ({
      key: `project-score:${k}`,
      recipient: 'U1',
      locale: null,
      kind: 'score',
      projectId: k,
      count: 1,
      due: '2011-11-25',
      stage: { key: 'before:3', kind: 'before' },
      daysLeft: 3,
    });
    const messages = dutyMessages(
      'zh-CN',
      Array.from({ length: 60 }, (_, k) => ({ duty: duty(k + 1), title: `项目${k + 1}` })),
    );
    expect(messages).toHaveLength(2);
    expect(messages.flatMap((m) => m.indexes)).toEqual(Array.from({ length: 60 }, (_, k) => k));
    for (const m of messages) expect(validateBlockKit('message', m)).toEqual([]);
    expect(JSON.stringify(messages[0]!.blocks)).toContain('请为 P-0001 *项目1* 评分（截止：还有 3 天（2011-11-25））');
  });

  it('when the plan has projects, then the weekly digest counts them by stage', () => {
    const empty = {
      obligations: [],
      branches: [],
      people: [],
      secretaries: [],
      reports: [],
      papers: [],
      extensions: new Map(),
      exemptions: new Map(),
      snoozes: [],
    };
    const base = {
      data: empty,
      today: '2011-06-20',
      weekStartAt: '2011-06-13T01:00:00.000Z',
      slotAt: '2011-06-20T01:00:00.000Z',
      late: false,
      received: { reports: 0, papers: 0 },
    };
    const with_ = digestMessages(
      'zh-CN',
      buildDigest({
        ...base,
        projects: { registration: 3, implementation: 5, application: 0, assessment: 0, review: 0, award: 0 },
      }),
    );
    expect(JSON.stringify(with_.main.blocks)).toContain(
      '*创新项目*：项目备案 3 · 指导实施 5 · 项目申报 0 · 项目评估 0 · 综合评审 0 · 项目奖励 0',
    );
    const without = digestMessages('zh-CN', buildDigest(base));
    expect(JSON.stringify(without.main.blocks)).not.toContain('创新项目');
  });
});
