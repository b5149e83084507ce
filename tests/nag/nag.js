#!/usr/bin/env node
// Runs cdk-nag's AwsSolutions rule pack on a CloudFormation template rex wrote, and prints the
// findings as JSON on stdout:
//   {"template": path, "findings": [{"rule", "level", "logical_id", "suppressed", "reason"}],
//    "summary": {"errors", "warnings", "suppressed"}}
// counts are of unsuppressed findings. A finding is suppressed when the resource's Metadata
// carries `cdk_nag: {rules_to_suppress: [{id, reason, applies_to}]}` with its rule id (the id
// with its "[...]" detail, or without it, e.g. "AwsSolutions-IAM5", and then applies_to, if
// given, lists the detail, e.g. "Resource::*") and a reason of 10 characters or more, the form cdk-nag v2 read and v3's WriteNagSuppressionsToCloudFormationAspect writes
// (v3 itself reads suppressions from the construct tree only, which an included template has
// not got, so this script applies the template's records).
//
// Usage: node nag.js [--fail-on-error] TEMPLATE.json
// Exit: 0 done (and, with --fail-on-error, no unsuppressed error); 1 unsuppressed errors with
// --fail-on-error; 2 bad input (no template, unreadable, not a template).
'use strict';

const fs = require('fs');
const path = require('path');
const cdk = require('aws-cdk-lib');
const { CfnInclude } = require('aws-cdk-lib/cloudformation-include');
const { AwsSolutionsChecks } = require('cdk-nag');

function usage(message) {
  process.stderr.write(`nag.js: ${message}\nusage: node nag.js [--fail-on-error] TEMPLATE.json\n`);
  process.exit(2);
}

// Runs the pack on the template file; returns {template, findings, summary}. Throws on a file
// that is not a template.
function runNag(file) {
  const template = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!template || typeof template.Resources !== 'object') {
    throw new Error(`${file} has no Resources`);
  }
  // The reason of the record in the resource's Metadata.cdk_nag.rules_to_suppress that accepts
  // `ruleName` ("AwsSolutions-IAM5[Resource::*]"): its id is the rule name, or the name
  // without the "[...]" detail and then its applies_to, when given, lists the detail.
  function acceptance(logicalId, ruleName) {
    const resource = template.Resources[logicalId];
    const list = resource && resource.Metadata && resource.Metadata.cdk_nag &&
      resource.Metadata.cdk_nag.rules_to_suppress;
    if (!Array.isArray(list)) return undefined;
    const match = /^(.*?)(?:\[(.*)\])?$/.exec(ruleName);
    const [base, detail] = [match[1], match[2]];
    for (const item of list) {
      if (!item || typeof item.reason !== 'string' || item.reason.length < 10) continue;
      if (item.id === ruleName) return item.reason;
      if (item.id !== base) continue;
      const appliesTo = item.applies_to;
      if (!Array.isArray(appliesTo) || (detail !== undefined && appliesTo.includes(detail))) {
        return item.reason;
      }
    }
    return undefined;
  }

  const app = new cdk.App({ outdir: fs.mkdtempSync(path.join(require('os').tmpdir(), 'nag-')) });
  const stack = new cdk.Stack(app, 'Rex');
  new CfnInclude(stack, 'Template', { templateFile: file });
  const report = new AwsSolutionsChecks().validateScope(app);

  const findings = [];
  for (const violation of report.violations) {
    for (const resource of violation.violatingResources) {
      // Included resources sit at Rex/Template/<logical id>.
      const parts = resource.constructPath.split('/');
      const logicalId = parts[parts.length - 1];
      const reason = acceptance(logicalId, violation.ruleName);
      findings.push({
        rule: violation.ruleName,
        level: violation.severity,
        logical_id: logicalId,
        suppressed: reason !== undefined,
        ...(reason !== undefined ? { reason } : {}),
        info: violation.description,
      });
    }
  }
  findings.sort((a, b) => (a.rule + ' ' + a.logical_id).localeCompare(b.rule + ' ' + b.logical_id));

  const count = (pred) => findings.filter((f) => !f.suppressed && pred(f)).length;
  const summary = {
    errors: count((f) => f.level === 'error'),
    warnings: count((f) => f.level !== 'error'),
    suppressed: findings.filter((f) => f.suppressed).length,
  };
  return { template: file, findings, summary };
}

module.exports = { runNag };

if (require.main === module) {
  const args = process.argv.slice(2);
  const failOnError = args.includes('--fail-on-error');
  const files = args.filter((a) => a !== '--fail-on-error');
  if (files.length !== 1) usage('expected one template file');
  let result;
  try {
    result = runNag(files[0]);
  } catch (e) {
    usage(`cannot read ${files[0]} as a template: ${e.message}`);
  }
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  if (failOnError && result.summary.errors > 0) {
    for (const f of result.findings.filter((x) => !x.suppressed && x.level === 'error')) {
      process.stderr.write(`unsuppressed error ${f.rule} on ${f.logical_id}: ${f.info}\n`);
    }
    process.exit(1);
  }
}
