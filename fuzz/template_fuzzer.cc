// libFuzzer target: the template reader `rex preview` uses on .rex/<stack>/deployed.template.json,
// the template CloudFormation holds and --template files, JSON or YAML (the seeds in
// fuzz/corpus/template/ hold both). Any input must give a template or an error Status.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "template/template_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto tmpl = rex::tmpl::ReadTemplate(text, "fuzz.template");
  (void)tmpl;
  return 0;
}
