#!/usr/bin/env node
// The gate of the ctest test nag_golden_templates (run.sh): runs cdk-nag's AwsSolutions pack
// (nag.js) on each template given and fails on an unsuppressed error-level finding, unless
// open_findings.json lists it (a finding the stack is known not to fix yet, with the reason
// and the issue). It also fails when a listed finding no longer occurs, so the list shrinks as
// the stack is fixed.
//
// Usage: node check_goldens.js NAME=TEMPLATE.json...   (NAME: the list's "template" field)
// Exit: 0 pass, 1 fail, 2 bad input.
'use strict';

const fs = require('fs');
const path = require('path');
const { runNag } = require('./nag');

const open = JSON.parse(fs.readFileSync(path.join(__dirname, 'open_findings.json'), 'utf8'));
const pairs = process.argv.slice(2).map((a) => a.split('='));
if (pairs.length === 0 || pairs.some((p) => p.length !== 2)) {
  process.stderr.write('usage: node check_goldens.js NAME=TEMPLATE.json...\n');
  process.exit(2);
}

let failed = false;
for (const [name, file] of pairs) {
  const result = runNag(file);
  const listed = open.open.filter((o) => o.template === name);
  const key = (rule, id) => `${rule} on ${id}`;
  const errors = result.findings.filter((f) => f.level === 'error' && !f.suppressed);
  const known = new Set(listed.map((o) => key(o.rule, o.logical_id)));
  const found = new Set(errors.map((f) => key(f.rule, f.logical_id)));
  for (const f of errors) {
    if (!known.has(key(f.rule, f.logical_id))) {
      process.stderr.write(`${name}: unsuppressed error ${f.rule} on ${f.logical_id}: ${f.info}\n`);
      failed = true;
    }
  }
  for (const o of listed) {
    if (!found.has(key(o.rule, o.logical_id))) {
      process.stderr.write(`${name}: ${o.rule} on ${o.logical_id} is listed in open_findings.json ` +
        'but no longer found: remove it from the list\n');
      failed = true;
    }
  }
  const s = result.summary;
  process.stdout.write(`${name}: ${result.findings.length} findings: ${s.suppressed} accepted in ` +
    `the template, ${errors.length} unsuppressed errors (${listed.length} listed open), ` +
    `${s.warnings} warnings\n`);
}
process.exit(failed ? 1 : 0);
