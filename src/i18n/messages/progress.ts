export const en = {
  'progress.help':
    '`/progress` shows your branch checklist (secretaries) and your paper task.\nLeaders: `/progress CODE` or `/progress <branch name>` for one branch, `/progress all` for the summary by category.',
  'progress.branch.header': '{name} ({code}) · {category}',
  'progress.branch.counts': '{done} of {total} done · {overdue} overdue · {returned} returned',
  'progress.item': '{icon} *{code}* {title}: {state}',
  'progress.item.due': 'due {due}',
  'progress.item.extended': 'due {due} (extended from {original})',
  'progress.more_branches': '{count} more branches: type `/progress CODE` for one of them ({codes}).',
  'progress.button.review': 'Review {code}',
  'progress.not_leader': 'Only leaders see other branches and the summary. The attempt was logged.',
  'progress.unknown_branch': 'There is no branch `{text}`.',
  'progress.summary.header': 'Progress by category · {date}',
  'progress.summary.line':
    '*{category}*: {branches} branches · {pct}% done · {overdue} overdue in {overdueBranches} branches',
  'progress.summary.total': '*All branches*: {branches} · {pct}% done · {overdue} overdue tasks',
  'progress.summary.laggards': '*Most overdue*: {list}',
  'progress.summary.laggard': '{code} ({overdue})',
  'progress.summary.none_overdue': 'No branch has an overdue task.',
  'progress.summary.papers': '*Papers*: {done} of {owed} owed done · {waiting} waiting for review',
  'progress.nothing':
    'Nothing is asked of you personally in this plan, and you are not a branch secretary. `/paper` lets you submit a paper anyway.',
};

export const zh: Record<keyof typeof en, string> = {
  'progress.help':
    '`/progress` 查看本组织的任务清单（书记）及个人论文任务。\n领导：`/progress 组织代码` 或 `/progress 组织名称` 查看某个基层党组织，`/progress all` 查看分类汇总。',
  'progress.branch.header': '{name}（{code}）· {category}',
  'progress.branch.counts': '已完成 {done}/{total} · 逾期 {overdue} · 退回 {returned}',
  'progress.item': '{icon} *{code}* {title}：{state}',
  'progress.item.due': '截止 {due}',
  'progress.item.extended': '截止 {due}（原定 {original}，已延期）',
  'progress.more_branches': '另有 {count} 个基层党组织：输入 `/progress 组织代码` 查看（{codes}）。',
  'progress.button.review': '审核 {code}',
  'progress.not_leader': '只有领导可以查看其他基层党组织和汇总。本次尝试已记录。',
  'progress.unknown_branch': '没有基层党组织 `{text}`。',
  'progress.summary.header': '分类进展 · {date}',
  'progress.summary.line':
    '*{category}*：{branches} 个基层党组织 · 完成 {pct}% · 逾期任务 {overdue} 项（{overdueBranches} 个组织）',
  'progress.summary.total': '*全部基层党组织*：{branches} 个 · 完成 {pct}% · 逾期任务 {overdue} 项',
  'progress.summary.laggards': '*逾期最多*：{list}',
  'progress.summary.laggard': '{code}（{overdue}）',
  'progress.summary.none_overdue': '没有基层党组织有逾期任务。',
  'progress.summary.papers': '*论文*：应交 {owed} 篇，已交 {done} 篇 · 待审核 {waiting} 篇',
  'progress.nothing': '本工作安排没有对您个人的要求，您也不是基层党组织书记。您仍可用 `/paper` 提交论文。',
};
