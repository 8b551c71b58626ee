import { defineRule, rulePage } from '../src/rule.js';

const ALPHANUMERIC = /^[A-Za-z0-9]*$/;

/** "manage-replication" → "manageReplication": the same words, only the characters IAM accepts. */
const alphanumeric = (sid: string): string =>
  sid
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');

export default defineRule({
  id: 'duplicate-sid',
  description:
    'Statement ids (Sid) must be unique within a policy, and alphanumeric in identity and trust policies.',
  level: 'error',
  helpUri: rulePage('duplicate-sid'),
  tags: ['iam', 'correctness'],
  policy({ doc, statements }, { report }) {
    // A Map, not an object: Sids are user data ("__proto__" included).
    const seen = new Map<string, string>();
    for (const s of statements) {
      if (s.sid === undefined) continue;
      const where = [...s.path, 'Sid'];
      if (doc.policyType !== 'resource' && !ALPHANUMERIC.test(s.sid)) {
        const kind = doc.policyType === 'trust' ? 'a role trust policy' : 'an identity policy';
        const suggestion = alphanumeric(s.sid);
        report({
          doc,
          path: where,
          message: `Sid ${JSON.stringify(s.sid)} has characters IAM does not accept in ${kind} (only A-Z, a-z and 0-9)${suggestion ? `; use ${JSON.stringify(suggestion)}` : ''}`,
        });
      }
      if (s.sid === '') continue;
      const first = seen.get(s.sid);
      const label = s.index === undefined ? 'Statement' : `Statement[${s.index}]`;
      if (first === undefined) seen.set(s.sid, label);
      else
        report({
          doc,
          path: where,
          message: `Sid ${JSON.stringify(s.sid)} is already used by ${first}; Sids must be unique within a policy, rename this one`,
        });
    }
  },
});
