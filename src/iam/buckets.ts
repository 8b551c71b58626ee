/**
 * Table bucket policies and the buckets they apply to, matched as IAM matches a Resource
 * (wildcards, NotResource), not by the literal bucket name.
 */
import type { BucketRef, PolicyDoc } from '../model.js';
import { statementsOf } from './policy.js';
import { resourceCovers, resourceIntersects } from './resource.js';

/** A resource policy about table buckets: get-table-bucket-policy output, or one naming s3tables. */
export function isBucketPolicy(p: PolicyDoc): boolean {
  if (p.origin === 'get-table-bucket-policy') return true;
  return statementsOf(p).some(
    (s) =>
      [...(s.resource ?? []), ...(s.notResource ?? [])].some((r) => /^arn:[^:]*:s3tables:/.test(r.value)) ||
      (s.action ?? []).some((a) => /^s3tables:/i.test(a.value)),
  );
}

/**
 * Does a bucket policy apply to the bucket or its tables, as IAM matches its Resource (wildcards,
 * NotResource)? A policy that names neither cannot be the bucket's: IAM rejects a table bucket
 * policy whose Resource is outside the bucket.
 */
export function appliesToBucket(p: PolicyDoc, bucket: BucketRef): boolean {
  const targets = [bucket.arn, `${bucket.arn}/table/*`];
  return statementsOf(p).some((s) => {
    if (s.resource) return s.resource.some((r) => targets.some((t) => resourceIntersects(r.value, t)));
    if (s.notResource) return targets.some((t) => !s.notResource!.some((r) => resourceCovers(r.value, t)));
    return false;
  });
}
