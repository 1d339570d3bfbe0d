#include "quant/learned_tables_io.h"

#include "util/json_file.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace luthier::quant {

using nlohmann::json;

namespace {

// An entry is a 32-bit integer: the sum over a layer's inputs then stays far inside the 53 bits the lowering
// keeps exact in double.
constexpr int64_t kEntryLimit = int64_t(1) << 31;

class TablesReader : public util::JsonReader {
public:
    using JsonReader::JsonReader;

    const json& member(const json& doc, const char* key) const
    {
        const auto it = doc.find(key);
        if (it == doc.end()) fail(key, "missing");
        return *it;
    }

    int64_t integer(const json& value, const std::string& key, int64_t lo, int64_t hi) const
    {
        if (!value.is_number_integer()) fail(key, std::string("expected an integer, found ") + describe(value));
        const int64_t v
            = value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(hi) ? hi + 1 : value.get<int64_t>();
        if (v < lo || v > hi) fail(key, value.dump() + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
        return v;
    }

    double positive(const json& value, const std::string& key) const
    {
        if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() <= 0)
            fail(key, "expected a positive number, found " + describe(value));
        return value.get<double>();
    }

    const json& array(const json& value, const std::string& key, size_t size) const
    {
        if (!value.is_array()) fail(key, "expected an array of " + std::to_string(size) + ", found " + describe(value));
        if (value.size() != size)
            fail(key, "expected " + std::to_string(size) + " elements, found " + std::to_string(value.size()));
        return value;
    }

private:
    static std::string describe(const json& value)
    {
        return value.is_primitive() ? value.dump() : std::string(value.type_name());
    }
};

std::string pairKey(int64_t o, int64_t i)
{
    return "tables[" + std::to_string(o) + "][" + std::to_string(i) + "]";
}

} // namespace

ir::LearnedTables parseLearnedTables(const json& doc, const std::string& label)
{
    const TablesReader in(label);
    if (!doc.is_object()) throw Error(label + ": not a learned-tables document (expected a JSON object)");
    const auto format = doc.find("format");
    if (format == doc.end() || *format != kLearnedTablesFormat)
        throw Error(label + ": not a learned-tables document (\"format\" is not \"" + kLearnedTablesFormat + "\")");
    const int64_t version = in.integer(in.member(doc, "version"), "version", 1, std::numeric_limits<int>::max());
    if (version > kLearnedTablesVersion)
        throw Error(label + ": written by a newer Luthier (learned-tables version " + std::to_string(version)
            + "; this build reads version " + std::to_string(kLearnedTablesVersion) + ")");

    ir::LearnedTables t;
    t.origin = label;
    if (const auto layer = doc.find("layer"); layer != doc.end()) {
        if (!layer->is_string()) in.fail("layer", "expected a string");
        t.layer = layer->get<std::string>();
    }
    t.outputs = in.integer(in.member(doc, "outputs"), "outputs", 1, kMaxLearnedTableEntries);
    t.inputs = in.integer(in.member(doc, "inputs"), "inputs", 1, kMaxLearnedTableEntries);
    t.inputBits = int(in.integer(in.member(doc, "inputBits"), "inputBits", 1, kMaxLearnedTableInputBits));
    const double total = double(t.outputs) * double(t.inputs) * double(t.entriesPerTable());
    if (total > double(kMaxLearnedTableEntries))
        in.fail("tables",
            std::to_string(t.outputs) + " x " + std::to_string(t.inputs) + " tables of 2^" + std::to_string(t.inputBits)
                + " entries are more than the limit of 2^24 entries");
    if (const auto s = doc.find("scale"); s != doc.end()) {
        if (s->is_array()) {
            in.array(*s, "scale", size_t(t.outputs));
            for (size_t o = 0; o < s->size(); ++o)
                t.scale.push_back(in.positive((*s)[o], "scale[" + std::to_string(o) + "]"));
        } else {
            t.scale.push_back(in.positive(*s, "scale"));
        }
    }

    const json& rows = in.array(in.member(doc, "tables"), "tables", size_t(t.outputs));
    t.entries.assign(size_t(total), 0);
    t.present.assign(size_t(t.outputs * t.inputs), 0);
    for (int64_t o = 0; o < t.outputs; ++o) {
        const json& row = in.array(rows[size_t(o)], "tables[" + std::to_string(o) + "]", size_t(t.inputs));
        for (int64_t i = 0; i < t.inputs; ++i) {
            const json& cell = row[size_t(i)];
            if (cell.is_null()) continue; // pruned pair
            const std::string key = pairKey(o, i);
            in.array(cell, key, size_t(t.entriesPerTable()));
            int64_t* table = t.entries.data() + ((o * t.inputs + i) << t.inputBits);
            for (size_t c = 0; c < cell.size(); ++c)
                table[c] = in.integer(cell[c], key + "[" + std::to_string(c) + "]", -kEntryLimit, kEntryLimit - 1);
            t.present[size_t(o * t.inputs + i)] = 1;
        }
    }
    return t;
}

ir::LearnedTables loadLearnedTables(const std::string& path)
{
    return parseLearnedTables(util::parseJson(util::readTextFile(path, "learned tables"), path), path);
}

json learnedTablesJson(const ir::LearnedTables& t)
{
    json doc = { { "format", kLearnedTablesFormat }, { "version", kLearnedTablesVersion }, { "layer", t.layer },
        { "outputs", t.outputs }, { "inputs", t.inputs }, { "inputBits", t.inputBits } };
    const bool oneScale
        = !t.scale.empty() && std::all_of(t.scale.begin(), t.scale.end(), [&](double s) { return s == t.scale[0]; });
    if (oneScale)
        doc["scale"] = t.scale[0];
    else if (!t.scale.empty())
        doc["scale"] = t.scale;
    json rows = json::array();
    for (int64_t o = 0; o < t.outputs; ++o) {
        json row = json::array();
        for (int64_t i = 0; i < t.inputs; ++i)
            row.push_back(t.has(o, i) ? json(std::vector<int64_t>(t.table(o, i), t.table(o, i) + t.entriesPerTable()))
                                      : json(nullptr));
        rows.push_back(std::move(row));
    }
    doc["tables"] = std::move(rows);
    return doc;
}

std::string learnedTablesText(const ir::LearnedTables& t)
{
    json doc = learnedTablesJson(t);
    const json rows = std::move(doc["tables"]);
    doc.erase("tables");
    std::string text = doc.dump(2); // "{\n  ...\n}": reopen it to append the tables
    text.erase(text.find_last_of('}'));
    while (!text.empty() && text.back() == '\n')
        text.pop_back();
    text += ",\n  \"tables\": [";
    for (size_t o = 0; o < rows.size(); ++o) {
        text += o ? ",\n    [" : "\n    [";
        for (size_t i = 0; i < rows[o].size(); ++i)
            text += (i ? ",\n      " : "\n      ") + rows[o][i].dump();
        text += "\n    ]";
    }
    text += "\n  ]\n}\n";
    return text;
}

double tableScale(const ir::LearnedTables& t, const ir::Layer& layer, double inputScale, int64_t o)
{
    if (!t.scale.empty()) return t.scale[t.scale.size() == 1 ? 0 : size_t(o)];
    if (!layer.weightQuant.quantised())
        throw Error("layer '" + layer.name + "': the learned tables from " + t.origin
            + " give no \"scale\" and the layer's weights are float, so their unit is unknown");
    return layer.weightQuant.scaleAt(layer.weightQuant.perChannel() ? o : 0) * inputScale;
}

void checkTablesFit(
    const ir::LearnedTables& t, const std::string& layer, int64_t outputs, int64_t inputs, int inputBits)
{
    auto mismatch = [&](const std::string& what, int64_t theirs, int64_t ours) {
        throw Error("layer '" + layer + "': the learned tables from " + t.origin + " have " + what + " "
            + std::to_string(theirs) + ", the layer has " + std::to_string(ours));
    };
    if (t.outputs != outputs) mismatch("outputs", t.outputs, outputs);
    if (t.inputs != inputs) mismatch("inputs", t.inputs, inputs);
    if (t.inputBits != inputBits) mismatch("inputBits", t.inputBits, inputBits);
    if (t.scale.size() > 1 && int64_t(t.scale.size()) != outputs) mismatch("scales", int64_t(t.scale.size()), outputs);
}

} // namespace luthier::quant
