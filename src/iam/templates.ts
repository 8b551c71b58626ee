/**
 * "Could this Resource pattern match some ARN of that resource type?" against the service data's
 * ARN templates. A template placeholder (`${Region}`) stands for any value of its own field, so it
 * never crosses a colon in the first five fields; a policy `*` that ends the pattern may (IAM).
 */
import { resourceIntersects } from './resource.js';
import { globMatch } from './match.js';
import { hasWildcard } from './wildcard.js';

/** Splits at the first five colons: [arn, partition, service, region, account, resource]. */
export function fields(value: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let k = 0; k < 5; k++) {
    const at = value.indexOf(':', from);
    if (at < 0) break;
    out.push(value.slice(from, at));
    from = at + 1;
  }
  out.push(value.slice(from));
  return out;
}

const templateFields = new Map<string, string[]>();
/** A template's fields with each placeholder as `*` (cached: a run sees few templates). */
function splitTemplate(template: string): string[] {
  let t = templateFields.get(template);
  if (!t) {
    t = fields(template).map((f) => f.replace(/\$\{[^}]*\}/g, '*'));
    templateFields.set(template, t);
  }
  return t;
}

/** resourceIntersects on one field (or the resource part), with the common cases first. */
export function fieldIntersects(p: string, t: string): boolean {
  if (p === t || t === '*' || p === '*') return true;
  const pw = hasWildcard(p);
  if (!pw && !hasWildcard(t)) return false;
  if (!pw) return globMatch(t, p, false);
  // Literal text before the first wildcard of either side must agree, and after the last one.
  const head = Math.min(firstWildcard(p), firstWildcard(t));
  if (p.slice(0, head) !== t.slice(0, head)) return false;
  const tail = Math.min(p.length - 1 - lastWildcard(p), t.length - 1 - lastWildcard(t));
  if (tail > 0 && p.slice(-tail) !== t.slice(-tail)) return false;
  // `prefix*` (the usual policy form) matches whatever continues a matching prefix.
  if (firstWildcard(p) === p.length - 1 && p.endsWith('*')) return true;
  return resourceIntersects(p, t);
}

const firstWildcard = (v: string): number => {
  const a = v.indexOf('*');
  const b = v.indexOf('?');
  return a < 0 ? (b < 0 ? v.length : b) : b < 0 ? a : Math.min(a, b);
};
const lastWildcard = (v: string): number => Math.max(v.lastIndexOf('*'), v.lastIndexOf('?'));

/**
 * True when some ARN of the template could match the pattern, or when the pattern is not an ARN
 * this check understands (other rules judge ARN syntax): only a definite "no" is false.
 */
export function couldMatchTemplate(pattern: string | readonly string[], template: string): boolean {
  const p = typeof pattern === 'string' ? fields(pattern) : pattern;
  const t = splitTemplate(template);
  if (t.length !== 6) return true;
  for (let k = 0; k < p.length; k++) {
    const part = p[k] ?? '';
    if (k === p.length - 1 && k < 5) {
      // A short pattern: only a trailing star can reach the remaining fields.
      if (!part.endsWith('*')) return true;
      return fieldIntersects(part, t.slice(k).join(':'));
    }
    if (!fieldIntersects(part, t[k] ?? '')) return false;
  }
  return true;
}
