import { describe, expect, it } from 'vitest';
import { branchSelfReview, paperSelfReview } from '../../src/domain/reviewers.js';

const leader = { id: 7, slackUserId: 'U0LDR00001', secretaryOf: [3] };

describe('who may decide', () => {
  it('when a leader submitted it or is a secretary of its branch, then they may not decide on a report or extension', () => {
    expect(branchSelfReview(leader, { branchId: 5, by: 7 })).toBe('author');
    expect(branchSelfReview(leader, { branchId: 3, by: 7 })).toBe('author');
    expect(branchSelfReview(leader, { branchId: 3, by: 9 })).toBe('secretary');
    expect(branchSelfReview(leader, { branchId: 5, by: 9 })).toBeNull();
    expect(branchSelfReview({ id: 7, secretaryOf: [] }, { branchId: 3, by: null })).toBeNull();
  });

  it('when a leader wrote or co-wrote a paper, then they may not review it', () => {
    expect(paperSelfReview(leader, { authorId: 7, coauthors: [] })).toBe('author');
    expect(paperSelfReview(leader, { authorId: 8, coauthors: ['U0MEM00001', 'U0LDR00001'] })).toBe('coauthor');
    expect(paperSelfReview(leader, { authorId: 8, coauthors: ['U0MEM00001'] })).toBeNull();
  });
});
