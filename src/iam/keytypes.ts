/**
 * Condition operators against the types the service data gives condition keys (String, ARN,
 * Numeric, Date, Bool, IPAddress, Binary, ArrayOf...): `NumericEquals` on a string key compares
 * values that never parse, so the condition can never hold as written.
 */
import { globalConditionKeys, service, servicePrefixes } from './data.js';

/** The operator families and the key types each one compares (ArrayOf<T> counts as T). */
const FAMILIES: readonly { prefix: RegExp; family: string; types: readonly string[]; use: string }[] = [
  { prefix: /^Numeric/, family: 'Numeric', types: ['Numeric'], use: 'a Numeric operator' },
  { prefix: /^Date/, family: 'Date', types: ['Date'], use: 'a Date operator' },
  { prefix: /^Bool/, family: 'Bool', types: ['Bool'], use: 'Bool' },
  { prefix: /^(Not)?IpAddress/, family: 'IpAddress', types: ['IPAddress'], use: 'IpAddress or NotIpAddress' },
  { prefix: /^Binary/, family: 'Binary', types: ['Binary'], use: 'BinaryEquals' },
  { prefix: /^Arn/, family: 'Arn', types: ['ARN'], use: 'an Arn operator' },
];

/** What each key type is compared with, for the message. */
const OPERATOR_FOR: Record<string, string> = {
  String: 'StringEquals or StringLike',
  ARN: 'ArnEquals or ArnLike (or StringEquals / StringLike)',
  Numeric: 'a Numeric operator (NumericEquals, NumericLessThan, ...)',
  Date: 'a Date operator (DateGreaterThan, ...)',
  Bool: 'Bool',
  IPAddress: 'IpAddress or NotIpAddress',
  Binary: 'BinaryEquals',
};

/** A key's type from the service data (global list first), without `ArrayOf`; undefined if unknown. */
export function keyType(key: string): string | undefined {
  const info = globalConditionKeys().get(key);
  let type = info?.type;
  if (type === undefined) {
    const colon = key.indexOf(':');
    const prefix = colon > 0 ? key.slice(0, colon).toLowerCase() : '';
    if (prefix && prefix !== 'aws' && servicePrefixes().has(prefix))
      type = service(prefix)?.conditionKeys.get(key)?.type;
  }
  return type === undefined || type === '' ? undefined : type.replace(/^ArrayOf/, '');
}

export interface TypeMismatch {
  /** The key's type, e.g. `String`. */
  type: string;
  /** The operator family, e.g. `Numeric`. */
  family: string;
  /** The operators that compare this key type, for the message. */
  use: string;
  /**
   * The key's values can never be read as the operator's type (an ARN is never a number, a Bool
   * never a date), so the condition can never match; otherwise (a String key, whose values may
   * happen to parse) it matches only values that do.
   */
  never: boolean;
}

/**
 * Does `operator` (with any ForAnyValue:/ForAllValues: prefix or IfExists suffix) compare values
 * of `key`'s type? undefined when it does, when the key's type is unknown, or for String
 * operators and Null (String operators compare every type as text; Null only tests presence).
 */
export function operatorMismatch(operator: string, key: string): TypeMismatch | undefined {
  const base = operator.replace(/^(ForAnyValue|ForAllValues):/, '').replace(/IfExists$/, '');
  const family = FAMILIES.find((f) => f.prefix.test(base));
  if (!family) return undefined;
  const type = keyType(key);
  if (type === undefined || family.types.includes(type)) return undefined;
  const never = type !== 'String' && type !== 'Binary' && !(type === 'Numeric' && family.family === 'Date');
  return { type, family: family.family, use: OPERATOR_FOR[type] ?? 'an operator of its type', never };
}
