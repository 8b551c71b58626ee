import type { Invocation, Log, Notification, ReportingDescriptor, Result as SarifResult, Run } from 'sarif';
import { compare, LEVELS, RULE_ERROR, type Finding, type LintResult, type RuleMeta } from '../result.js';

/**
 * GitHub code scanning rejects an upload above these (docs: "SARIF results exceed one or more limits").
 * We emit one run and one location per result, so only the result and tag counts need guarding.
 */
export const GITHUB_LIMITS = { resultsPerRun: 25_000, tagsPerRule: 20 } as const;

/** The partialFingerprints key: versioned, so a change of the fingerprint recipe can say so. */
export const FINGERPRINT_KEY = 's3tablesLint/v1';

export interface SarifOptions {
  /** Most results kept (default: GitHub's 25,000 per run); the most severe are kept. */
  maxResults?: number;
}

/**
 * SARIF 2.1.0, one run, a pure function of the lint result. URIs are relative to the working
 * directory (the repository root in CI), forward slashes, percent-encoded.
 */
export function sarif(result: LintResult, options: SarifOptions = {}): string {
  return `${JSON.stringify(sarifLog(result, options), null, 2)}\n`;
}

function sarifLog(result: LintResult, options: SarifOptions = {}): Log {
  const max = options.maxResults ?? GITHUB_LIMITS.resultsPerRun;
  const metas = [...result.rules];
  // Suppressed findings stay, marked, so code scanning shows them as dismissed.
  const findings = withSuppressed(result);
  // Every result needs its rule described (GitHub shows the descriptor at the top of an alert).
  for (const f of findings) {
    if (!metas.some((m) => m.id === f.ruleId)) metas.push(unknownRule(f.ruleId));
  }
  const index = new Map(metas.map((r, i) => [r.id, i]));
  const kept = mostSevere(findings, max);
  const notifications: Notification[] = [];
  for (const f of result.findings) {
    if (f.ruleId !== RULE_ERROR.id) continue;
    notifications.push({
      level: 'error',
      message: { text: f.message },
      descriptor: { id: RULE_ERROR.id },
    });
  }
  const properties: Record<string, unknown> = { notRun: result.notRun };
  if (kept.length < findings.length) {
    const dropped = findings.length - kept.length;
    properties['truncated'] = { total: findings.length, kept: kept.length, dropped };
    notifications.push({
      level: 'warning',
      message: {
        text: `${findings.length} results, over the ${max} a run may hold (GitHub code scanning's limit): the ${kept.length} most severe are included, ${dropped} left out; --format json lists them all.`,
      },
      descriptor: { id: 'results-truncated' },
    });
  }
  const invocation: Invocation = { executionSuccessful: !result.crashed };
  if (notifications.length > 0) invocation.toolExecutionNotifications = notifications;
  const run: Run = {
    tool: {
      driver: {
        name: result.tool.name,
        version: result.tool.version,
        semanticVersion: result.tool.version,
        informationUri: result.tool.informationUri,
        rules: metas.map(descriptor),
        properties: { data: result.tool.data },
      },
    },
    invocations: [invocation],
    results: kept.map((f) => resultOf(f, index.get(f.ruleId))),
    columnKind: 'utf16CodeUnits',
    properties,
  };
  return { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [run] };
}

/** The findings and the suppressed ones, merged in the engine's order. */
export function withSuppressed(
  result: Pick<LintResult, 'findings'> & Partial<Pick<LintResult, 'suppressed'>>,
): readonly Finding[] {
  // Partial: a caller with only findings (an older tool's result) still gets them all.
  const suppressed = result.suppressed ?? [];
  return suppressed.length === 0 ? result.findings : [...result.findings, ...suppressed].sort(compare);
}

/** The `limit` most severe findings, in their original (engine) order. */
function mostSevere(findings: readonly Finding[], limit: number): readonly Finding[] {
  if (findings.length <= limit) return findings;
  const rank = findings
    .map((f, i) => ({ i, severity: LEVELS.indexOf(f.level) }))
    .sort((a, b) => b.severity - a.severity || a.i - b.i)
    .slice(0, limit)
    .map((x) => x.i)
    .sort((a, b) => a - b);
  return rank.map((i) => findings[i] as Finding);
}

function unknownRule(id: string): RuleMeta {
  return {
    id,
    description: `Findings of ${id}.`,
    level: 'warning',
    helpUri: 'https://github.com/s3tables-lint/s3tables-lint#rules',
  };
}

/** `parse-error` → `ParseError`: SARIF wants `name` readable and different from the opaque `id`. */
export function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function descriptor(rule: RuleMeta): ReportingDescriptor {
  const seeAlso = rule.seeAlso ?? [];
  const tags = (rule.tags ?? []).slice(0, GITHUB_LIMITS.tagsPerRule);
  const properties: Record<string, unknown> = {};
  if (tags.length > 0) properties['tags'] = tags;
  // GitHub reads it as a string holding a number.
  if (rule.securitySeverity !== undefined) properties['security-severity'] = rule.securitySeverity.toFixed(1);
  if (seeAlso.length > 0) properties['seeAlso'] = seeAlso;
  const also = seeAlso.length > 0 ? ` Related checks: ${seeAlso.join(', ')}.` : '';
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: rule.description },
    fullDescription: {
      text: `${rule.description} Default level: ${rule.level}.${rule.requiresAws ? ' Runs only with AWS access.' : ''}`,
    },
    help: {
      text: `${rule.description}\nDefault level: ${rule.level}.${also}\nDocumentation: ${rule.helpUri}`,
      markdown: [
        `**${rule.id}** (default level: \`${rule.level}\`)`,
        '',
        rule.description,
        ...(seeAlso.length > 0 ? ['', `Related checks: ${seeAlso.map((s) => `\`${s}\``).join(', ')}.`] : []),
        '',
        `Documentation: [${rule.helpUri}](${rule.helpUri})`,
      ].join('\n'),
    },
    helpUri: rule.helpUri,
    defaultConfiguration: { level: rule.level },
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
  };
}

/**
 * A relative URI reference for a file name as the engine prints it (relative to the working
 * directory, forward slashes). Each segment is percent-encoded, so `#`, `?`, `%`, spaces and
 * a `:` (which would read as a scheme) stay part of the path. Files outside the working directory
 * keep their `../` segments: still relative, and consistent from run to run.
 */
export function fileUri(file: string): string {
  // What an audit read without --save: an absolute aws:// URI, kept as one.
  if (file.startsWith('aws://'))
    return `aws://${file.slice('aws://'.length).split('/').map(encodeURIComponent).join('/')}`;
  return file
    .replace(/\\/g, '/')
    .replace(/^\/+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function resultOf(f: Finding, ruleIndex: number | undefined): SarifResult {
  const properties: Record<string, unknown> = { path: f.path };
  if (f.fix) properties['fix'] = f.fix;
  if (f.explain) properties['explain'] = f.explain;
  return {
    ruleId: f.ruleId,
    ...(ruleIndex !== undefined ? { ruleIndex } : {}),
    level: f.level,
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: fileUri(f.file) },
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
        },
        // The construct path or resource address the user knows the place by (CDK, Terraform).
        ...(f.logicalLocation !== undefined
          ? { logicalLocations: [{ fullyQualifiedName: f.logicalLocation, kind: 'resource' }] }
          : {}),
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    // A config suppression: GitHub code scanning shows the alert as dismissed, with the reason.
    ...(f.suppressed
      ? { suppressions: [{ kind: 'external', justification: f.suppressed.justification }] }
      : {}),
    properties,
  };
}
