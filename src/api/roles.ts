/**
 * The role matrix as docs/api.md shows it, generated from the route table the dispatcher
 * enforces (a test holds that copy to it). Webhooks and the codec endpoint are called by their
 * sources, with their own secrets, never by a role: they are not in it.
 */
import { API_ROLES } from '../config';
import type { Route } from './routes/route';

export function roleMatrixMarkdown(routes: readonly Route[]): string {
  const header = ['operation', 'method and path', ...API_ROLES];
  const rows = routes
    .filter((r) => !r.source)
    .map((r) => [
      `\`${r.id}\``,
      `\`${r.method} ${r.path}\``,
      ...API_ROLES.map((role) => (r.roles.includes(role) ? '✓' : '')),
    ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
