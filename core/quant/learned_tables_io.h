#pragma once
// The learned-tables JSON document (docs/learned-tables.md): reading it with errors that name the key, writing
// it, and checking that it fits a layer.

#include "ir/graph.h"
#include "ir/learned_tables.h"

#include <nlohmann/json.hpp>
#include <string>

namespace luthier::quant {

inline constexpr const char* kLearnedTablesFormat = "luthier-lut-tables";
inline constexpr int kLearnedTablesVersion = 1;
// Largest table a document may hold, in entries over all pairs (2^24 int64 = 128 MiB in memory).
inline constexpr int64_t kMaxLearnedTableEntries = int64_t(1) << 24;
inline constexpr int kMaxLearnedTableInputBits = 16;

// Parses a document; `label` names its source in errors ("<label>: tables[3][17]: expected 4 entries, found 3").
// Throws luthier::Error for anything that is not a valid version-1 document.
ir::LearnedTables parseLearnedTables(const nlohmann::json& doc, const std::string& label);

// Reads a .json file (errors name the file).
ir::LearnedTables loadLearnedTables(const std::string& path);

// The document for `tables` (pruned pairs as null).
nlohmann::json learnedTablesJson(const ir::LearnedTables& tables);

// The same document as text laid out for people and diffs: the header keys on one line each, then one table per
// line, tables[o] blocks in output order.
std::string learnedTablesText(const ir::LearnedTables& tables);

// The real value of one unit of output o's sum: the tables' own scale, or the layer's accumulator scale (weight
// scale of o times the input scale `inputScale`). Throws luthier::Error when the tables give no scale and the
// layer's weights are float.
double tableScale(const ir::LearnedTables& tables, const ir::Layer& layer, double inputScale, int64_t o);

// Checks that `tables` fit Dense layer `layer` whose input codes take `inputBits` bits; throws luthier::Error
// naming the layer and the tables' origin otherwise.
void checkTablesFit(
    const ir::LearnedTables& tables, const std::string& layer, int64_t outputs, int64_t inputs, int inputBits);

} // namespace luthier::quant
