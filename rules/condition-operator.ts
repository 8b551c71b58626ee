import { CONDITION_OPERATORS } from '../src/iam/conditions.js';
import { isObject } from '../src/values.js';
import { closest } from '../src/iam/closest.js';
import { defineRule, rulePage, type Level } from '../src/rule.js';

const QUALIFIERS = ['ForAnyValue:', 'ForAllValues:'];

/** Every valid spelling (IAM matches operator names case-sensitively). */
const VALID = new Set<string>();
for (const q of ['', ...QUALIFIERS]) {
  for (const b of CONDITION_OPERATORS) {
    VALID.add(`${q}${b}`);
    if (b !== 'Null') VALID.add(`${q}${b}IfExists`);
  }
}

interface Problem {
  message: string;
  level?: Level;
  fix?: string;
}

/** Checks one operator; undefined when it is valid. */
export function checkOperator(op: string): Problem | undefined {
  const nullBase = /^(ForAnyValue:|ForAllValues:)?Null(IfExists)?$/.exec(op);
  if (nullBase?.[2]) {
    const fixed = op.replace(/IfExists$/, '');
    return {
      message: `"${op}": the Null operator cannot take IfExists (Null already tests whether the key is present): use "${fixed}"`,
      fix: fixed,
    };
  }
  if (nullBase?.[1]) {
    return {
      level: 'warning',
      message: `"${op}": Null with ${nullBase[1].slice(0, -1)} always evaluates to ${nullBase[1] === 'ForAllValues:' ? 'true' : 'false'}: use "Null"`,
      fix: 'Null',
    };
  }
  if (VALID.has(op)) return undefined;
  // Right letters, wrong case: IAM matches operator names exactly.
  const sameLetters = [...VALID].find((v) => v.toLowerCase() === op.toLowerCase());
  if (sameLetters)
    return {
      message: `unknown condition operator "${op}" (operator names are case-sensitive): use "${sameLetters}"`,
      fix: sameLetters,
    };
  const suggestion = closest(op, VALID);
  return {
    message: `unknown condition operator "${op}"${suggestion ? `: did you mean "${suggestion}"?` : ": use one of IAM's condition operators (StringEquals, ArnLike, Bool, …, with an optional ForAnyValue:/ForAllValues: prefix and IfExists suffix)"}`,
    ...(suggestion ? { fix: suggestion } : {}),
  };
}

/** Operators repeat across policies: judge each spelling once. */
const seen = new Map<string, Problem | undefined>();

export default defineRule({
  id: 'condition-operator',
  description:
    'A Condition operator is unknown or misspelled, or combines Null with IfExists, ForAnyValue or ForAllValues.',
  level: 'error',
  helpUri: rulePage('condition-operator'),
  tags: ['iam', 'correctness'],
  seeAlso: ['INVALID_CONDITION_OPERATOR', 'NULL_WITH_IF_EXISTS'],
  policy({ doc, statements }, { report }) {
    for (const statement of statements) {
      const raw = at(doc.data, statement.path);
      const block = isObject(raw) ? raw['Condition'] : undefined;
      if (!isObject(block)) continue;
      for (const op of Object.keys(block)) {
        if (!seen.has(op)) seen.set(op, checkOperator(op));
        const problem = seen.get(op);
        if (!problem) continue;
        report({
          doc,
          path: [...statement.path, 'Condition', op],
          message: problem.message,
          ...(problem.level ? { level: problem.level } : {}),
          ...(problem.fix
            ? { fix: { description: 'Rename the operator', value: { [problem.fix]: block[op] } } }
            : {}),
        });
      }
    }
  },
});

function at(value: unknown, path: readonly (string | number)[]): unknown {
  let v = value;
  for (const p of path) {
    if (typeof p === 'number') v = Array.isArray(v) ? v[p] : undefined;
    else v = isObject(v) ? v[p] : undefined;
  }
  return v;
}
