/** Why a budget write was refused, by the API's code, in words for the page (never text taken from a URL). */
export const WRITE_PROBLEMS: Record<string, string> = {
  FORBIDDEN:
    'Changing budgets needs the admin scope, which a dashboard session never holds. Set BYTEMETER_WEB_ADMIN_TOKEN (a token with the admin scope) where the dashboard server runs, or use `bytemeter budget set`.',
  NETWORK: 'The bytemeter API cannot be reached; nothing was changed.',
  FAILED: 'The API refused the change; nothing was changed.',
};

/**
 * The words for a code, or undefined for anything else (a URL can carry any text).
 * @example writeProblem('FORBIDDEN') // 'Changing budgets needs the admin scope, …'
 */
export function writeProblem(code: string | null | undefined): string | undefined {
  return code && Object.hasOwn(WRITE_PROBLEMS, code) ? WRITE_PROBLEMS[code] : undefined;
}
