#pragma once

// The contract of every `--json` document rex prints (docs/json.md): one JSON object on
// stdout whose top-level "version" is kJsonVersion, with field names in camelCase as
// CloudFormation and the AWS CLI spell theirs. The version increases when a field is renamed
// or removed or changes meaning; new fields may appear without a change. Commands whose
// output is data in a format of its own (rex synth: a CloudFormation template; rex graph: DOT
// or SVG) print that format and take no --json.

namespace rex::cli {

inline constexpr int kJsonVersion = 1;

}  // namespace rex::cli
