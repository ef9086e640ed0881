import type { Paper } from './papers.js';
import type { Person } from './types.js';

/**
 * Who may decide on what was submitted. Leaders review reports and papers and decide extension
 * requests, but never their own:
 * - a branch's report or extension request is decided by a leader who did not submit it and is not
 *   a secretary of that branch (the secretary answers for the branch's work, whoever typed it);
 * - a paper is reviewed by a leader who is neither its author nor one of its co-authors;
 * - a branch is exempted from a task by a leader who is not its secretary.
 * Being a member of the branch does not bar a leader.
 */
export type SelfReview = 'author' | 'secretary' | 'coauthor';

/** Why `leader` may not decide on a branch's submission (`by`: who submitted or asked), or null when they may. */
export function branchSelfReview(
  leader: Pick<Person, 'id' | 'secretaryOf'>,
  subject: { branchId: number; by: number | null },
): Extract<SelfReview, 'author' | 'secretary'> | null {
  if (subject.by === leader.id) return 'author';
  if (leader.secretaryOf.includes(subject.branchId)) return 'secretary';
  return null;
}

/** Why `leader` may not review a paper, or null when they may. */
export function paperSelfReview(
  leader: Pick<Person, 'id' | 'slackUserId'>,
  paper: Pick<Paper, 'authorId' | 'coauthors'>,
): Extract<SelfReview, 'author' | 'coauthor'> | null {
  if (paper.authorId === leader.id) return 'author';
  if (paper.coauthors.includes(leader.slackUserId)) return 'coauthor';
  return null;
}
