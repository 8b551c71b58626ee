import { policyReport } from '../src/iam/grammar.js';
import { defineRule } from '../src/rule.js';

const ALPHANUMERIC = /^[A-Za-z0-9]*$/;

export default defineRule({
  id: 'duplicate-sid',
  description:
    'Statement ids (Sid) must be unique within a policy, and alphanumeric in identity and trust policies.',
  level: 'error',
  helpUri: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html',
  check({ model, report }) {
    for (const doc of model.policies) {
      const policy = doc.data;
      if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) continue;
      const raw = (policy as Record<string, unknown>)['Statement'];
      const statements = Array.isArray(raw)
        ? raw.map((s, i) => ({ s, path: ['Statement', i] }))
        : [{ s: raw, path: ['Statement'] }];
      // A Map, not an object: Sids are user data ("__proto__" included).
      const seen = new Map<string, string>();
      for (const { s, path } of statements) {
        if (typeof s !== 'object' || s === null || Array.isArray(s)) continue;
        const sid = (s as Record<string, unknown>)['Sid'];
        if (typeof sid !== 'string') continue;
        const where = [...path, 'Sid'];
        const label = path.length === 2 ? `Statement[${String(path[1])}]` : 'Statement';
        if (doc.policyType !== 'resource' && !ALPHANUMERIC.test(sid)) {
          const suggestion = sid
            .split(/[^A-Za-z0-9]+/)
            .filter(Boolean)
            .map((part, i) => (i === 0 ? part : part[0]?.toUpperCase() + part.slice(1)))
            .join('');
          report(
            policyReport(
              doc,
              where,
              `Sid ${JSON.stringify(sid)} has characters IAM does not accept in ${doc.policyType === 'trust' ? 'a role trust policy' : 'an identity policy'} (only A-Z, a-z and 0-9)${suggestion ? `; use ${JSON.stringify(suggestion)}` : ''}`,
            ),
          );
        }
        if (sid === '') continue;
        const first = seen.get(sid);
        if (first !== undefined) {
          report(
            policyReport(
              doc,
              where,
              `Sid ${JSON.stringify(sid)} is already used by ${first}; Sids must be unique within a policy, rename this one`,
            ),
          );
        } else {
          seen.set(sid, label);
        }
      }
    }
  },
});
