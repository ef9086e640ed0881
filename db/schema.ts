import type { Generated } from 'kysely';

/**
 * The typed database. Times are ISO-8601 UTC text (`2011-06-30T01:00:00.000Z`), calendar dates are
 * `YYYY-MM-DD` text in the plan's timezone, booleans are 0 | 1: representations that SQLite and
 * PostgreSQL both hold, so a Postgres dialect can be added without touching the queries.
 */
export type Bool = 0 | 1;

export interface PlanTable {
  id: Generated<number>;
  year: number;
  title_zh: string;
  title_en: string;
  timezone: string;
  starts: string;
  ends: string;
  /** JSON: reminders, scoring and calendar settings, validated on import. */
  settings: string;
  imported_at: string;
  updated_at: string;
}

export interface ActivityTable {
  id: Generated<number>;
  plan_id: number;
  code: string;
  title_zh: string;
  title_en: string;
  description_zh: string | null;
  description_en: string | null;
  position: number;
  retired: Bool;
}

export interface ObligationTable {
  id: Generated<number>;
  plan_id: number;
  activity_id: number;
  code: string;
  title_zh: string;
  title_en: string;
  description_zh: string | null;
  description_en: string | null;
  kind: 'report' | 'paper' | 'commitments';
  /** JSON array of paper kinds; '[]' for reports. */
  paper_kinds: string;
  /** For `commitments`: the percent of those who must commit; null otherwise. */
  threshold: number | null;
  /** 'branch': a rectification task of one branch (`branch_id`), set by an inspection. */
  applies_to: 'all' | 'categories' | 'ranks' | 'branch';
  /** JSON array of categories or ranks; '[]' when applies_to is 'all'. */
  targets: string;
  due: string;
  weight: number;
  position: number;
  /** Removed from the plan file on a later import: kept because reports point at it. */
  retired: Bool;
  /** Set for a rectification task: the one branch that owes it; null for the plan file's obligations. */
  branch_id: number | null;
}

export interface BranchTable {
  id: Generated<number>;
  code: string;
  name: string;
  category: string;
  /** The branch's Slack channel (roster column branch_channel): its commitments are posted there. */
  channel_id: string | null;
  active: Bool;
  created_at: string;
  updated_at: string;
}

export interface PersonTable {
  id: Generated<number>;
  slack_user_id: string;
  name: string;
  /** The branch the person belongs to as a member or cadre. */
  branch_id: number | null;
  rank: string | null;
  is_admin: Bool;
  is_leader: Bool;
  is_member: Bool;
  active: Bool;
  /** Slack locale, cached from users.info. */
  locale: string | null;
  locale_checked_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface BranchSecretaryTable {
  branch_id: number;
  person_id: number;
}

export type ReportStatus = 'submitted' | 'accepted' | 'returned' | 'withdrawn';

export interface ReportTable {
  id: Generated<number>;
  obligation_id: number;
  branch_id: number;
  status: ReportStatus;
  held_on: string;
  participants: number;
  summary: string;
  /** JSON array of evidence: links and Slack files. */
  evidence: string;
  submitted_by: number;
  submitted_at: string;
  on_time: Bool;
  reviewed_by: number | null;
  reviewed_at: string | null;
  review_comment: string | null;
  version: number;
  /** Slack's view id of the submission that stored this version, so a retried delivery stores nothing twice. */
  submission_key: string | null;
}

export type PaperStatus = 'submitted' | 'accepted' | 'returned' | 'withdrawn';

export interface PaperTable {
  id: Generated<number>;
  plan_id: number;
  author_id: number;
  kind: string;
  title: string;
  abstract: string;
  link: string | null;
  file_id: string | null;
  file_permalink: string | null;
  /** JSON array of Slack user ids. */
  coauthors: string;
  status: PaperStatus;
  excellent: Bool;
  submitted_at: string;
  on_time: Bool;
  reviewed_by: number | null;
  reviewed_at: string | null;
  review_comment: string | null;
  /** Slack's view id of the submission, so a retried delivery stores nothing twice. */
  submission_key: string | null;
  /** 1 when submitted, +1 on every revision: a review applies to the version the leader read. */
  version: Generated<number>;
}

export interface ExtensionTable {
  id: Generated<number>;
  obligation_id: number;
  branch_id: number;
  requested_by: number;
  requested_at: string;
  new_due: string;
  reason: string;
  status: 'pending' | 'approved' | 'refused';
  decided_by: number | null;
  decided_at: string | null;
  decision_comment: string | null;
  /** Slack's view id of the request, so a retried delivery stores nothing twice. */
  submission_key: string | null;
}

export interface ExemptionTable {
  id: Generated<number>;
  obligation_id: number;
  branch_id: number;
  reason: string;
  granted_by: number;
  granted_at: string;
  revoked_at: string | null;
}

export interface SnoozeTable {
  id: Generated<number>;
  person_id: number;
  obligation_id: number;
  branch_id: number | null;
  until_date: string;
  created_at: string;
}

/**
 * pending and failed wait to be sent (failed from not_before); sending is claimed; blocked waits for
 * an operator (the bot not in a channel) and goes again when requeued; dead will not heal.
 */
export type OutboxState = 'pending' | 'sending' | 'sent' | 'failed' | 'blocked' | 'dead';

export interface OutboxTable {
  id: Generated<number>;
  job: string;
  /** Unique: what is sent, to whom, at which stage and in which period. */
  dedupe_key: string;
  recipient: string;
  payload: string;
  state: OutboxState;
  attempts: number;
  claimed_by: string | null;
  claimed_at: string | null;
  not_before: string;
  sent_at: string | null;
  message_ts: string | null;
  last_error: string | null;
  created_at: string;
  /** The key in the metadata of the message this row was last sent in; set before the request leaves. */
  sent_as: string | null;
  /** Times an operator requeued the row (jobs requeue). */
  requeues: Generated<number>;
}

export interface JobRunTable {
  job: string;
  /** The latest slot (UTC) whose run completed. */
  last_slot: string | null;
  last_started_at: string | null;
  last_completed_at: string | null;
  last_error: string | null;
}

export interface NoticeTable {
  id: Generated<number>;
  plan_id: number;
  title: string;
  body: string;
  min_overdue_days: number;
  /** JSON array of branch codes named in the notice. */
  branch_codes: string;
  channel_id: string;
  message_ts: string | null;
  published_by: number;
  /** When it was posted; while 'publishing', when it was claimed. */
  published_at: string;
  /** Slack's view id of the modal that published it, so a retried delivery posts nothing twice. */
  submission_key: string | null;
  /** 'publishing' from the claim until Slack answered the post; 'published' once posted. */
  state: Generated<NoticeState>;
  /** A hash of what is posted where (plan, channel, title, text): the same notice is posted once. Null before claims. */
  content_key: string | null;
  /** When the claim was taken; a claim 'publishing' for too long is taken to be from a process that died. */
  claimed_at: string | null;
}

export type NoticeState = 'publishing' | 'published';

export interface RankingSnapshotTable {
  id: Generated<number>;
  plan_id: number;
  month: string;
  branch_id: number;
  category: string;
  score: number;
  rank: number;
  rank_in_category: number;
  taken_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  /** A Slack user id, `cli` or `system`. */
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string | null;
  /** JSON. */
  details: string;
}

export interface ProjectTable {
  id: Generated<number>;
  plan_id: number;
  branch_id: number;
  title: string;
  aims: string;
  /** 实施方案: how the branch will carry it out. */
  approach: string;
  expected: string;
  /** 实施成效, written at the application (申报). */
  results: string | null;
  /** JSON array of links given at the application. */
  evidence: string;
  registered_by: number;
  registered_at: string;
  applied_at: string | null;
  /** Slack's view id of the registration, so a retried delivery stores nothing twice. */
  submission_key: string | null;
}

export type ProjectEventKind = 'stage' | 'guidance' | 'progress';

export interface ProjectEventTable {
  id: Generated<number>;
  project_id: number;
  /** 1, 2, … per project, unique with it: the next event is decided by one insert. */
  seq: number;
  kind: ProjectEventKind;
  /** For a stage event: the stage left (null for the registration) and the stage entered. */
  from_stage: string | null;
  to_stage: string | null;
  comment: string | null;
  /** JSON array of links (a progress update's evidence). */
  evidence: string;
  actor_id: number | null;
  /** A Slack user id, `cli` or `system`. */
  actor: string;
  at: string;
  submission_key: string | null;
}

export interface ProjectAssessorTable {
  project_id: number;
  assessor_id: number;
  assigned_by: number;
  assigned_at: string;
  /** Set when the assessor's sheet is stored; the others' sheets are read only once all are set. */
  scored_at: string | null;
  comment: string | null;
}

export interface ProjectScoreTable {
  project_id: number;
  assessor_id: number;
  criterion: string;
  /** 0 to 10, whole. */
  score: number;
}

export interface ProjectTierTable {
  project_id: number;
  /** A tier code of the plan, or null: proposed for no award. */
  tier: string | null;
  /** Why the committee moved it from the automatic proposal; null when it is the automatic one. */
  reason: string | null;
  proposed_by: number;
  proposed_at: string;
  /** Set when an admin confirmed it (项目奖励). */
  announcement_id: number | null;
}

export interface ProjectAnnouncementTable {
  id: Generated<number>;
  plan_id: number;
  channel_id: string;
  confirmed_by: number;
  confirmed_at: string;
  /** Slack's view id of the confirmation: one announcement per modal, whatever Slack retries. */
  submission_key: string;
}

export type NominationStatusColumn =
  'submitted' | 'accepted' | 'returned' | 'withdrawn' | 'shortlisted' | 'struck' | 'awarded';

export interface NominationTable {
  id: Generated<number>;
  plan_id: number;
  /** The round's and the category's codes in the plan. */
  round: string;
  category: string;
  /** The nominating branch. */
  branch_id: number;
  nominee_kind: 'branch' | 'person' | 'project';
  nominee_branch_id: number | null;
  nominee_person_id: number | null;
  nominee_project_id: number | null;
  /** `b:<id>`, `p:<id>` or `j:<id>`: unique among a category's nominations that are not withdrawn. */
  nominee_key: string;
  /** 事迹材料. */
  citation: string;
  evidence_link: string | null;
  status: NominationStatusColumn;
  nominated_by: number;
  nominated_at: string;
  reviewed_by: number | null;
  reviewed_at: string | null;
  review_comment: string | null;
  submission_key: string | null;
}

export interface CommendationPublicityTable {
  plan_id: number;
  round: string;
  channel_id: string;
  /** The publicity period (公示), local dates, both included. */
  starts_on: string;
  ends_on: string;
  started_by: number;
  started_at: string;
  announced_by: number | null;
  announced_at: string | null;
}

export interface ObjectionTable {
  id: Generated<number>;
  nomination_id: number;
  raised_by: number;
  raised_at: string;
  text: string;
  status: 'open' | 'upheld' | 'dismissed';
  decided_by: number | null;
  decided_at: string | null;
  reason: string | null;
  submission_key: string | null;
}

/** The year-end evaluation (评议): one round per plan (docs/decisions/011-evaluation-anonymity.md). */
export interface EvaluationRoundTable {
  id: Generated<number>;
  plan_id: number;
  opens: string;
  closes: string;
  /** JSON: questions, grades, who votes, weight; fixed when the round opens. */
  settings: string;
  opened_by: string;
  opened_at: string;
  closed_by: string | null;
  closed_at: string | null;
}

/** The electorate, written in full at the opening; `voted` is all that a ballot changes here. */
export interface EvaluationVoterTable {
  round_id: number;
  person_id: number;
  branch_id: number;
  voted: Bool;
}

export type EvaluationSource = 'slack' | 'public' | 'paper';

/** The ballots, as counts: no voter, no time, no row created by a vote. */
export interface EvaluationCountTable {
  round_id: number;
  branch_id: number;
  source: EvaluationSource;
  question: string;
  grade: string;
  count: number;
}

/** The public's one-time codes, as SHA-256 hashes; the code itself is only on the printed slip. */
export interface EvaluationCodeTable {
  hash: string;
  round_id: number;
  branch_id: number;
  /** Which `cli evaluation codes` run made it (its audit row says when and for how many). */
  batch: string;
  used: Bool;
}

/** Wrong codes per hashed address and 15-minute window, for the public page's limiter. */
export interface EvaluationCodeMissTable {
  address: string;
  window: string;
  misses: number;
}

export type CommitmentOutcome = 'fulfilled' | 'partly' | 'not';

export interface CommitmentTable {
  id: Generated<number>;
  plan_id: number;
  person_id: number;
  /** The person's branch when the commitment was made: the branch that lists and confirms it. */
  branch_id: number;
  text: string;
  /** study | duties | service | integrity, or null. */
  area: string | null;
  status: 'active' | 'withdrawn';
  created_at: string;
  updated_at: string;
  /** 1 when made, +1 on every edit: a confirmation applies to what the secretary read. */
  version: number;
  /** 兑现承诺, as the member reports it. */
  outcome: CommitmentOutcome | null;
  outcome_note: string | null;
  outcome_link: string | null;
  reported_at: string | null;
  /** The secretary's 点评: confirmed, or returned with a comment (the member reports again). */
  confirmation: 'confirmed' | 'returned' | null;
  confirmed_by: number | null;
  confirmed_at: string | null;
  confirm_comment: string | null;
  /** Slack's view id of the submission that made it, so a retried delivery stores nothing twice. */
  submission_key: string | null;
}

export interface CommitmentReopeningTable {
  plan_id: number;
  person_id: number;
  /** The local date until which the person may edit again. */
  until_date: string;
  reopened_by: number;
  reopened_at: string;
}

export interface CommitmentPostTable {
  plan_id: number;
  branch_id: number;
  channel_id: string;
  /** The claim: one row per branch and plan, taken in the transaction that queues the post. */
  claimed_at: string;
}

export interface InspectionTable {
  id: Generated<number>;
  plan_id: number;
  /** Null for the county's inspection of the whole system. */
  branch_id: number | null;
  held_on: string;
  kind: 'regular' | 'roving' | 'special';
  checked: string;
  findings: string;
  /** A rating code of the plan's scale; null for the county's inspection. */
  rating: string | null;
  /** Activities found "two skins" with the real work or cut off from the masses. */
  two_skins: Bool;
  inspector_id: number;
  inspector: string;
  created_at: string;
  submission_key: string | null;
}

export interface RectificationItemTable {
  id: Generated<number>;
  inspection_id: number;
  branch_id: number;
  /** The branch's task for it (obligations.branch_id), reported and reviewed as any task. */
  obligation_id: number;
  text: string;
  due: string;
}

export interface Database {
  plans: PlanTable;
  activities: ActivityTable;
  obligations: ObligationTable;
  branches: BranchTable;
  people: PersonTable;
  branch_secretaries: BranchSecretaryTable;
  reports: ReportTable;
  papers: PaperTable;
  extensions: ExtensionTable;
  exemptions: ExemptionTable;
  snoozes: SnoozeTable;
  outbox: OutboxTable;
  job_runs: JobRunTable;
  notices: NoticeTable;
  ranking_snapshots: RankingSnapshotTable;
  audit_log: AuditLogTable;
  projects: ProjectTable;
  project_events: ProjectEventTable;
  project_assessors: ProjectAssessorTable;
  project_scores: ProjectScoreTable;
  project_tiers: ProjectTierTable;
  project_announcements: ProjectAnnouncementTable;
  nominations: NominationTable;
  commendation_publicity: CommendationPublicityTable;
  objections: ObjectionTable;
  evaluation_rounds: EvaluationRoundTable;
  evaluation_voters: EvaluationVoterTable;
  evaluation_counts: EvaluationCountTable;
  evaluation_codes: EvaluationCodeTable;
  evaluation_code_misses: EvaluationCodeMissTable;
  commitments: CommitmentTable;
  commitment_reopenings: CommitmentReopeningTable;
  commitment_posts: CommitmentPostTable;
  inspections: InspectionTable;
  rectification_items: RectificationItemTable;
}
