// template_stats: size, resource count and longest dependency chain of CloudFormation
// templates, for bench/compare.
//
//   template_stats FILE...          a readable block per file
//   template_stats --tsv FILE...    one line per file: file, bytes, resources, edges,
//                                   chain length, chain ("Id (Type) > Id (Type) > ...")
//
// Exit codes: 0 ok, 2 bad usage or a file that is not a readable template.

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "base/files.h"
#include "bench/template_stats.h"

namespace {

std::string ChainText(const rex::bench::TemplateStats& stats, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < stats.chain.size(); ++i) {
    if (i > 0) out += separator;
    out += stats.chain[i];
    if (!stats.chain_types[i].empty()) {
      out += " (" + rex::tmpl::ShortType(stats.chain_types[i]) + ")";
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  bool tsv = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--tsv") {
      tsv = true;
    } else if (arg == "-h" || arg == "--help") {
      std::cout << "usage: template_stats [--tsv] TEMPLATE.json...\n";
      return 0;
    } else if (!arg.empty() && arg[0] == '-') {
      std::cerr << "template_stats: unknown flag " << arg << "\n";
      return 2;
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) {
    std::cerr << "usage: template_stats [--tsv] TEMPLATE.json...\n";
    return 2;
  }
  for (const std::string& file : files) {
    auto text = rex::base::ReadFile(file);
    if (!text.ok()) {
      std::cerr << "template_stats: " << text.error().message() << "\n";
      return 2;
    }
    auto stats = rex::bench::ComputeStats(*text, file);
    if (!stats.ok()) {
      std::cerr << "template_stats: " << stats.error().message() << "\n";
      return 2;
    }
    if (tsv) {
      std::cout << file << '\t' << stats->bytes << '\t' << stats->resources << '\t' << stats->edges
                << '\t' << stats->chain.size() << '\t' << ChainText(*stats, " > ") << '\n';
    } else {
      std::cout << file << ": " << stats->bytes << " bytes, " << stats->resources << " resources, "
                << stats->edges << " dependency edges\n"
                << "longest dependency chain: " << stats->chain.size()
                << " resources, in creation order:\n  " << ChainText(*stats, "\n  ") << "\n";
    }
  }
  return 0;
}
