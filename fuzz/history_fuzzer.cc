// libFuzzer target: a deploy history record as `rex history` and `rex rollback N` read it
// (.rex/<stack>/history/NNNN.json or the bootstrap bucket's copy): ParseJson, then
// HistoryRecordFromJson; a record read is written back as rex writes it.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/json.h"
#include "engine/history.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto json = rex::base::ParseJson(text, "0001.json");
  if (!json.has_value()) return 0;
  auto record = rex::engine::HistoryRecordFromJson(*json, "0001.json");
  if (record.has_value()) (void)rex::engine::HistoryRecordText(*record);
  return 0;
}
