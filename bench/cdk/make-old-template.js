#!/usr/bin/env node
// node make-old-template.js NEW.template.json OLD.template.json
//
// Writes the "previously deployed" template that bench/compare diffs against: NEW with the
// same four edits, whichever tool wrote it (rex's and CDK's templates name resources
// differently, so resources are found by type and physical name, never by logical id).
// Seen from OLD, the new template then:
//   1. shortens the api log group's retention from 14 to 7 days     (update)
//   2. scales the api service from 2 tasks to 1                     (update)
//   3. grows the worker task definition from 256/512 to 512/1024    (replacement)
//   4. adds the worker service                                      (create)
// Fails (exit 1) if a resource it edits is missing, so a changed template cannot silently
// turn the diff into a trivial one.
'use strict';

const fs = require('fs');

function main(argv) {
  if (argv.length !== 2) {
    process.stderr.write('usage: node make-old-template.js NEW.template.json OLD.template.json\n');
    return 2;
  }
  const [from, to] = argv;
  const template = JSON.parse(fs.readFileSync(from, 'utf8'));
  const resources = template.Resources || {};

  // The single resource of `type` whose properties satisfy `match`.
  const find = (what, type, match) => {
    const ids = Object.keys(resources).filter(
      (id) => resources[id].Type === type && match(resources[id].Properties || {}));
    if (ids.length !== 1) {
      throw new Error(`${from}: expected one ${what} (${type}), found ${ids.length}`);
    }
    return ids[0];
  };

  const apiLogs = find('api log group', 'AWS::Logs::LogGroup',
    (p) => p.LogGroupName === '/ecs/rex-backend-dev-api');
  resources[apiLogs].Properties.RetentionInDays = 14;

  const apiService = find('api service', 'AWS::ECS::Service',
    (p) => p.ServiceName === 'rex-backend-dev-api');
  resources[apiService].Properties.DesiredCount = 2;

  const workerTask = find('worker task definition', 'AWS::ECS::TaskDefinition',
    (p) => p.Family === 'rex-backend-dev-worker');
  resources[workerTask].Properties.Cpu = '256';
  resources[workerTask].Properties.Memory = '512';

  const workerService = find('worker service', 'AWS::ECS::Service',
    (p) => p.ServiceName === 'rex-backend-dev-worker');
  delete resources[workerService];

  fs.writeFileSync(to, JSON.stringify(template, null, 1) + '\n');
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`make-old-template: ${err.message}\n`);
  process.exitCode = 1;
}
