import type { LintResult, RuleMeta } from '../lint.js';
import type { Finding } from '../rule.js';

/** SARIF 2.1.0, one run; URIs relative to the working directory (repository-relative in CI). */
export function sarif(result: LintResult): string {
  const rules = result.rules.map(descriptor);
  const index = new Map(result.rules.map((r, i) => [r.id, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: result.tool.name,
            semanticVersion: result.tool.version,
            version: result.tool.version,
            informationUri: result.tool.informationUri,
            rules,
            ...(Object.keys(result.tool.data).length > 0 ? { properties: { data: result.tool.data } } : {}),
          },
        },
        results: result.findings.map((f) => resultOf(f, index.get(f.ruleId))),
        columnKind: 'utf16CodeUnits',
        properties: { notRun: result.notRun },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function descriptor(rule: RuleMeta): object {
  return {
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.description },
    fullDescription: { text: rule.description },
    help: {
      text: `${rule.description} See ${rule.helpUri}`,
      markdown: `${rule.description} [More](${rule.helpUri})`,
    },
    helpUri: rule.helpUri,
    defaultConfiguration: { level: rule.level },
    ...(rule.seeAlso?.length ? { properties: { seeAlso: rule.seeAlso } } : {}),
  };
}

function resultOf(f: Finding, ruleIndex: number | undefined): object {
  return {
    ruleId: f.ruleId,
    ...(ruleIndex !== undefined ? { ruleIndex } : {}),
    level: f.level,
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeURI(f.file) },
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
        },
      },
    ],
    partialFingerprints: { 's3tablesLint/v1': f.fingerprint },
    ...(f.fix ? { properties: { fix: f.fix } } : {}),
  };
}
