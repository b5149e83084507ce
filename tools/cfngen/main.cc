// cfngen: generates the typed L1 resource classes of src/cfn/ from spec/<service>.json.
//
//   cfngen --out DIR [--stamp FILE] SPEC.json...
//
// Writes DIR/cfn/<service>.gen.h and .gen.cc per spec file and DIR/cfn/registry.gen.{h,cc}.
// A file is rewritten only when its content changes, so the build recompiles only what the
// schema change touches. Exit 0 on success, 1 on a malformed spec or an I/O error, 2 on bad
// usage; errors name the file, resource and property.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "base/files.h"
#include "base/json.h"
#include "emit.h"
#include "model.h"

namespace {

using rex::base::Result;
using rex::base::Status;

Status WriteIfChanged(const std::string& path, const std::string& contents) {
  if (rex::base::PathExists(path)) {
    auto old = rex::base::ReadFile(path);
    if (old.has_value() && *old == contents) return Status::Ok();
  }
  return rex::base::WriteFileAtomic(path, contents);
}

Result<rex::cfngen::Service> Load(const std::string& path) {
  REX_ASSIGN_OR_RETURN(std::string text, rex::base::ReadFile(path));
  REX_ASSIGN_OR_RETURN(rex::base::Json json, rex::base::ParseJson(text, path));
  REX_ASSIGN_OR_RETURN(rex::cfngen::Service service, rex::cfngen::ParseService(json, path));
  std::string stem;
  try {
    stem = std::filesystem::path(path).stem().string();
  } catch (const std::exception& e) {
    return rex::base::InvalidArgument(path + ": " + e.what());
  }
  if (service.name != stem) {
    return rex::base::InvalidArgument(path + ": service is \"" + service.name +
                                      "\" but the file is named " + stem + ".json");
  }
  REX_RETURN_IF_ERROR(rex::cfngen::Decide(service));
  return service;
}

Status Run(const std::string& out_dir, const std::string& stamp,
           const std::vector<std::string>& specs) {
  std::vector<rex::cfngen::Service> services;
  for (const auto& path : specs) {
    REX_ASSIGN_OR_RETURN(rex::cfngen::Service service, Load(path));
    services.push_back(std::move(service));
  }
  std::sort(services.begin(), services.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  const std::string dir = out_dir + "/cfn/";
  for (const auto& s : services) {
    REX_RETURN_IF_ERROR(WriteIfChanged(dir + s.name + ".gen.h", rex::cfngen::EmitHeader(s)));
    REX_RETURN_IF_ERROR(WriteIfChanged(dir + s.name + ".gen.cc", rex::cfngen::EmitSource(s)));
  }
  REX_RETURN_IF_ERROR(
      WriteIfChanged(dir + "registry.gen.h", rex::cfngen::EmitRegistryHeader(services)));
  REX_RETURN_IF_ERROR(
      WriteIfChanged(dir + "registry.gen.cc", rex::cfngen::EmitRegistrySource(services)));
  if (!stamp.empty()) {
    // The stamp is always rewritten: it tells the build the generator ran.
    REX_RETURN_IF_ERROR(rex::base::WriteFileAtomic(stamp, std::to_string(services.size()) + "\n"));
  }
  return Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  std::string out_dir;
  std::string stamp;
  std::vector<std::string> specs;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--out" || arg == "--stamp") && i + 1 < argc) {
      (arg == "--out" ? out_dir : stamp) = argv[++i];
    } else if (!arg.empty() && arg[0] == '-') {
      std::fprintf(stderr, "cfngen: unknown flag %s\n", arg.c_str());
      return 2;
    } else {
      specs.push_back(arg);
    }
  }
  if (out_dir.empty() || specs.empty()) {
    std::fprintf(stderr, "usage: cfngen --out DIR [--stamp FILE] SPEC.json...\n");
    return 2;
  }
  Status status = Run(out_dir, stamp, specs);
  if (!status.ok()) {
    std::fprintf(stderr, "cfngen: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
