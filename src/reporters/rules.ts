import type { RuleMeta } from '../result.js';

/** `--list-rules`: every rule with its level and one-line description, as text or JSON. */
export function listRules(rules: readonly RuleMeta[], format: 'text' | 'json'): string {
  const sorted = [...rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (format === 'json') {
    const out = sorted.map((r) => ({
      id: r.id,
      level: r.level,
      description: r.description,
      tags: r.tags ?? [],
      ...(r.securitySeverity !== undefined ? { securitySeverity: r.securitySeverity } : {}),
      helpUri: r.helpUri,
    }));
    return `${JSON.stringify({ rules: out }, null, 2)}\n`;
  }
  const width = Math.max(...sorted.map((r) => r.id.length));
  return sorted.map((r) => `${r.id.padEnd(width)}  ${r.level.padEnd(7)}  ${r.description}\n`).join('');
}
