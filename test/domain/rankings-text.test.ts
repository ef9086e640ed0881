import { describe, expect, it } from 'vitest';
import { parseRankingsText } from '../../src/domain/ranking.js';
import { catalogues } from '../../src/i18n/index.js';

describe('/rankings in Chinese', () => {
  it('when the words are typed in Chinese, then they mean what the English ones mean', () => {
    expect(parseRankingsText('全部 本月 公开')).toEqual(parseRankingsText('all month public'));
    expect(parseRankingsText('全年')).toEqual({ kind: 'assessment', category: null });
    expect(parseRankingsText('考核 中学', new Map([['中学', 'secondary' as const]]))).toEqual(
      parseRankingsText('year secondary'),
    );
    expect(parseRankingsText('本月', new Map([['中学', 'secondary' as const]]))).toMatchObject({ period: 'month' });
    expect(parseRankingsText('中学 本月', new Map([['中学', 'secondary' as const]]))).toEqual({
      kind: 'list',
      category: 'secondary',
      period: 'month',
      public: false,
    });
    expect(parseRankingsText('说明 第二小学党支部')).toEqual({ kind: 'explain', branch: '第二小学党支部' });
    expect(parseRankingsText('说明')).toEqual({ kind: 'invalid' });
    // A keyword out of place is still an unknown word.
    expect(parseRankingsText('本月 说明')).toEqual({ kind: 'invalid' });
  });

  it('when the Chinese usage and help texts show a word, then /rankings understands it', () => {
    const zh = catalogues['zh-CN'];
    const texts = [zh['leaders.rankings.usage'], zh['leaders.help.leader'], zh['leaders.help.admin']];
    const words = new Set<string>();
    for (const text of texts)
      for (const [, span] of text.matchAll(/`\/rankings ([^`]*)`/g))
        for (const w of span!.split(/[[\]|\s]+/)) if (w !== '' && w !== '类别' && w !== '组织') words.add(w);
    expect([...words].sort()).toEqual(['公开', '全年', '全部', '本月', '说明'].sort());
    for (const w of words) {
      const request = w === '说明' ? parseRankingsText(`${w} YQ-ZX1`) : parseRankingsText(w);
      expect(request.kind, w).not.toBe('invalid');
    }
  });
});
