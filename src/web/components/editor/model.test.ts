import { describe, expect, it } from 'vitest';
import { checksText } from './model.ts';

describe('check questions as text', () => {
  it('round-trips blocks, with answers over several lines', () => {
    const checks = [
      { question: 'What does `git add -p` do?', answer: 'Stages parts of a file.' },
      { question: 'Why small commits?', answer: 'They are easy to review.\n\nAnd to revert: A: stays text.' },
    ];
    const text = checksText.format(checks);
    expect(text).toBe(
      'Q: What does `git add -p` do?\nA: Stages parts of a file.\n\nQ: Why small commits?\nA: They are easy to review.\n\nAnd to revert: A: stays text.',
    );
    expect(checksText.parse(text)).toEqual(checks);
  });

  it('reads nothing as no checks, and a question still without its answer as an empty answer', () => {
    expect(checksText.format(undefined)).toBe('');
    expect(checksText.parse('  \n')).toEqual([]);
    expect(checksText.parse('Q: Half written?')).toEqual([{ question: 'Half written?', answer: '' }]);
  });
});
