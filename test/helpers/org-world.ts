// An organization for the fake AWS: a management account and N member accounts, each holding a
// copy of fixtures/aws/account (its roles, policies and, by default, its buckets) under its own id,
// or synthetic buckets and tables at a chosen scale (the bench).
import { join } from 'node:path';
import { ROOT } from './cases.js';
import { loadWorld, type FakeAccount, type FakeBucket, type World } from './fake-aws.js';

export const MANAGEMENT = '999988887777';
/** The account of fixtures/aws/account: every occurrence becomes the member's id. */
const TEMPLATE_ACCOUNT = (loadWorld(join(ROOT, 'fixtures/aws/account')).caller?.Account ?? '') as string;

export interface OrgWorldOptions {
  accounts: number;
  /** Synthetic layout (else the fixture's buckets): Regions × buckets × tables per account. */
  scale?: { regions: string[]; buckets: number; tables: number };
  /** Every account whose index % refuseEvery === refuseEvery - 1 refuses the role. */
  refuseEvery?: number;
  /** Accounts not ACTIVE, by index. */
  suspended?: number[];
  /** Per-account latency, by index. */
  latency?: Record<number, number>;
}

export const accountId = (i: number): string => String(200000000000 + i * 7919);

export function orgWorld(options: OrgWorldOptions): World {
  const template = loadWorld(join(ROOT, 'fixtures/aws/account'));
  const world: World & Required<Pick<World, 'buckets' | 'roles' | 'policies'>> = {
    caller: { Account: MANAGEMENT, Arn: `arn:aws:iam::${MANAGEMENT}:user/auditor`, UserId: 'AIDAAUDITOR' },
    buckets: [],
    roles: [],
    policies: [],
    organization: { managementAccount: MANAGEMENT, accounts: [] },
  };
  const outside = new Map<string, FakeBucket>();
  const clone = <T>(value: T, id: string): T =>
    JSON.parse(JSON.stringify(value).split(TEMPLATE_ACCOUNT).join(id)) as T;
  for (let i = 0; i < options.accounts; i++) {
    const id = accountId(i);
    const account: FakeAccount = { Id: id, Name: `member-${i}` };
    if (options.refuseEvery && i % options.refuseEvery === options.refuseEvery - 1) account.refuseRole = true;
    if (options.suspended?.includes(i)) account.State = 'SUSPENDED';
    if (options.latency?.[i] !== undefined) account.latencyMs = options.latency[i];
    world.organization?.accounts.push(account);
    world.roles.push(...clone(template.roles ?? [], id));
    world.policies.push(...clone(template.policies ?? [], id));
    if (!options.scale) {
      for (const b of clone(template.buckets ?? [], id))
        if (b.ownerAccountId === id) world.buckets.push(b);
        else outside.set(b.arn, b);
      continue;
    }
    world.buckets.push(
      ...synthetic(id, i, options.scale, template.roles?.[0]?.RoleName ?? 'ReplicationRole'),
    );
  }
  world.buckets.push(...outside.values());
  return world;
}

/** Per Region: data-0 replicates to data-1 of the next Region with the template's role; its tables report a status. */
function synthetic(
  id: string,
  i: number,
  scale: NonNullable<OrgWorldOptions['scale']>,
  role: string,
): FakeBucket[] {
  const out: FakeBucket[] = [];
  const { regions, buckets, tables } = scale;
  regions.forEach((region, r) => {
    const next = regions[(r + 1) % regions.length] ?? region;
    for (let k = 0; k < buckets; k++) {
      const arn = `arn:aws:s3tables:${region}:${id}:bucket/data-${k}`;
      const destination = `arn:aws:s3tables:${next}:${id}:bucket/data-1`;
      const replicated = k === 0;
      out.push({
        arn,
        name: `data-${k}`,
        ownerAccountId: id,
        encryption: { sseAlgorithm: 'AES256' },
        ...(replicated
          ? {
              replication: {
                versionToken: `v-${id}-${region}`,
                configuration: {
                  role: `arn:aws:iam::${id}:role/${role}`,
                  rules: [{ destinations: [{ destinationTableBucketARN: destination }] }],
                },
              },
            }
          : {}),
        tables: Array.from({ length: tables }, (_, j) => ({
          namespace: 'ns',
          name: `t${j}`,
          tableARN: `${arn}/table/tbl-${k}-${j}`,
          ...(replicated
            ? {
                status: {
                  destinations: [
                    j === 0 && i % 3 === 0
                      ? {
                          replicationStatus: 'failed',
                          destinationTableBucketArn: destination,
                          failureMessage:
                            'Access denied: the replication role cannot call s3tables:CreateTable',
                        }
                      : {
                          replicationStatus: 'completed',
                          destinationTableBucketArn: destination,
                          lastSuccessfulReplicatedUpdate: {
                            metadataLocation: `s3://meta/${id}/${k}/${j}.metadata.json`,
                            timestamp: '2026-11-30T08:00:00.000Z',
                          },
                        },
                  ],
                },
              }
            : {}),
        })),
      });
    }
  });
  return out;
}
