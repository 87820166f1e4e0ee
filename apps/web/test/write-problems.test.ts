import { describe, expect, it } from 'vitest';
import { writeProblem } from '../src/app/budgets/write-problems';

describe('budget write problems', () => {
  it('has words for the API codes and nothing for any other text a URL may carry', () => {
    expect(writeProblem('FORBIDDEN')).toMatch(/BYTEMETER_WEB_ADMIN_TOKEN/);
    expect(writeProblem('NETWORK')).toMatch(/cannot be reached/);
    for (const other of ['toString', 'constructor', '__proto__', '<b>hi</b>', '', null, undefined]) {
      expect(writeProblem(other)).toBeUndefined();
    }
  });
});
