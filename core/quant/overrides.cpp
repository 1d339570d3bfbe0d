#include "quant/overrides.h"

#include "quant/learned_tables_io.h"
#include "util/error.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>

namespace luthier::quant {

namespace {

int parseInt(const std::string& text, const std::string& assignment, int lo, int hi)
{
    int v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi)
        throw Error("override '" + assignment + "': '" + text + "' is not an integer in [" + std::to_string(lo) + ", "
            + std::to_string(hi) + "]");
    return v;
}

bool passesValuesThrough(ir::LayerKind kind)
{
    return kind == ir::LayerKind::Flatten || kind == ir::LayerKind::Reshape || kind == ir::LayerKind::Transpose
        || kind == ir::LayerKind::MaxPool || kind == ir::LayerKind::Resize;
}

int64_t channelCount(const ir::Layer& layer)
{
    return layer.weight.shape.empty() ? 1 : layer.weight.shape[0];
}

// Max |w| per output channel (or one value over the tensor).
std::vector<double> maxAbs(const ir::Layer& layer, bool perChannel)
{
    const int64_t channels = channelCount(layer);
    const int64_t row = int64_t(layer.weight.data.size()) / std::max<int64_t>(1, channels);
    std::vector<double> m(size_t(perChannel ? channels : 1), 0.0);
    for (size_t i = 0; i < layer.weight.data.size(); ++i) {
        double& slot = m[perChannel ? i / size_t(row) : 0];
        slot = std::max(slot, std::fabs(double(layer.weight.data[i])));
    }
    return m;
}

std::vector<double> meanAbs(const ir::Layer& layer, bool perChannel)
{
    const int64_t channels = channelCount(layer);
    const size_t row = layer.weight.data.size() / size_t(std::max<int64_t>(1, channels));
    std::vector<double> sum(size_t(perChannel ? channels : 1), 0.0);
    for (size_t i = 0; i < layer.weight.data.size(); ++i)
        sum[perChannel ? i / row : 0] += std::fabs(double(layer.weight.data[i]));
    for (double& s : sum)
        s /= double(perChannel ? row : layer.weight.data.size());
    return sum;
}

void requantiseWeights(ir::Layer& layer, int bits, ir::WeightScheme scheme, ScaleGranularity granularity)
{
    const std::string where = "layer '" + layer.name + "'";
    if (!ir::hasWeights(layer.kind))
        throw Error(where + " (" + std::string(ir::toString(layer.kind)) + ") has no weights to re-quantise");
    const ir::QuantSpec old = layer.weightQuant;
    const bool perChannel = granularity == ScaleGranularity::PerChannel
        || (granularity == ScaleGranularity::Keep && (!old.quantised() || old.perChannel()));
    const size_t row = layer.weight.data.size() / size_t(std::max<int64_t>(1, channelCount(layer)));
    auto channelOf = [&](size_t i) { return perChannel ? i / row : 0; };

    ir::QuantSpec q;
    q.isSigned = true;
    q.scheme = scheme;
    q.axis = perChannel ? 0 : -1;
    q.rounding = ir::RoundingMode::HalfEven;
    if (scheme == ir::WeightScheme::PowerOfTwo) {
        if (bits < 2 || bits > 5)
            throw Error(where
                + ": power-of-two weights take 2 to 5 bits (5 bits: levels down to 2^-14 in a 16-bit "
                  "integer), not "
                + std::to_string(bits));
        const int r = (1 << (bits - 1)) - 1;
        const std::vector<double> m = maxAbs(layer, perChannel);
        q.bits = powerOfTwoContainerBits(bits);
        q.narrow = true;
        q.scale.clear();
        for (double v : m)
            q.scale.push_back(v > 0 ? std::ldexp(v, -(r - 1)) : 1.0);
        q.zeroPoint = { 0.0 };
        // Keep the projection itself as the layer's weights: the quantiser then maps them exactly onto the
        // integers sign * 2^(r-1-k), which is what the lowering and the shift-add hardware see.
        for (size_t i = 0; i < layer.weight.data.size(); ++i) {
            const double w = layer.weight.data[i];
            const double top = m[channelOf(i)];
            const int k = top > 0 ? powerOfTwoLevel(std::fabs(w) / top, bits) : -1;
            layer.weight.data[i] = k < 0 ? 0.0f : float(std::copysign(std::ldexp(top, -k), w));
        }
    } else if (bits == 1) {
        q.bits = 1;
        q.bipolar = true;
        q.scale = meanAbs(layer, perChannel);
        for (double& s : q.scale)
            if (s <= 0) s = 1.0;
    } else {
        if (bits > 16) throw Error(where + ": weight bits " + std::to_string(bits) + " are more than 16");
        const double top = std::ldexp(1.0, bits - 1) - 1;
        q.bits = bits;
        q.narrow = true;
        q.scale.clear();
        for (double v : maxAbs(layer, perChannel))
            q.scale.push_back(v > 0 ? v / top : 1.0);
    }
    if (q.scale.size() == 1) q.axis = -1;
    layer.weightQuant = q;
}

// Re-targets quantiser `q` to `bits`, keeping the real interval it covers.
void rebit(ir::QuantSpec& q, int bits, const std::string& where)
{
    if (bits < 1 || bits > 16) throw Error(where + ": activation bits " + std::to_string(bits) + " are not in [1, 16]");
    const bool wasSigned = q.isSigned || q.bipolar;
    // Top of the range per channel: scale * (maxInt - zeroPoint); a bipolar quantiser reaches +scale.
    std::vector<double> top;
    for (size_t c = 0; c < q.scale.size(); ++c) {
        const double zp = q.zeroPoint.size() == 1 ? q.zeroPoint[0] : q.zeroPoint[std::min(c, q.zeroPoint.size() - 1)];
        top.push_back(q.bipolar ? q.scale[c] : q.scale[c] * (double(q.maxInt()) - zp));
    }
    q.bits = bits;
    q.zeroPoint.assign(q.zeroPoint.size(), 0.0);
    q.bipolar = wasSigned && bits == 1;
    q.isSigned = wasSigned;
    if (q.bipolar) {
        q.narrow = false;
        q.scale = top;
        return;
    }
    const double maxInt = double(q.maxInt());
    for (size_t c = 0; c < q.scale.size(); ++c)
        q.scale[c] = top[c] > 0 ? top[c] / maxInt : q.scale[c];
}

ir::QuantSpec calibratedQuant(double lo, double hi, int bits, const std::string& where)
{
    if (!(std::isfinite(lo) && std::isfinite(hi)))
        throw Error(where + ": the calibration run produced no finite output range");
    ir::QuantSpec q;
    q.bits = bits;
    q.isSigned = lo < 0;
    if (q.isSigned && bits == 1) {
        q.bipolar = true;
        q.scale = { std::max(std::fabs(lo), std::fabs(hi)) };
    } else if (q.isSigned) {
        q.narrow = true;
        q.scale = { std::max(std::fabs(lo), std::fabs(hi)) / (std::ldexp(1.0, bits - 1) - 1) };
    } else {
        q.scale = { hi / (std::ldexp(1.0, bits) - 1) };
    }
    if (!(q.scale[0] > 0)) q.scale = { 1.0 };
    return q;
}

} // namespace

void mergeOverride(LayerOverride& into, const LayerOverride& from)
{
    if (from.weightBits) into.weightBits = from.weightBits;
    if (from.activationBits) into.activationBits = from.activationBits;
    if (from.weightScheme) into.weightScheme = from.weightScheme;
    if (from.templateKind) into.templateKind = from.templateKind;
    if (from.groupSize) into.groupSize = from.groupSize;
    if (from.tables) {
        into.tables = from.tables;
        into.tablesFile = from.tablesFile;
    }
}

int activationProducer(const ir::Graph& graph, int index)
{
    int p = graph.layers[size_t(index)].inputs.empty() ? -1 : graph.layers[size_t(index)].inputs[0];
    while (p >= 0 && !graph.layers[size_t(p)].outputQuant() && passesValuesThrough(graph.layers[size_t(p)].kind)
        && !graph.layers[size_t(p)].inputs.empty())
        p = graph.layers[size_t(p)].inputs[0];
    return p;
}

int powerOfTwoContainerBits(int bits)
{
    const int r = (1 << (bits - 1)) - 1;
    return r + 1; // integers up to 2^(r-1) need r bits of magnitude plus the sign
}

int powerOfTwoLevel(double t, int bits)
{
    const int r = (1 << (bits - 1)) - 1;
    for (int k = 0; k < r - 1; ++k)
        if (t >= 0.14 * std::ldexp(1.0, -k)) return k;
    return t >= 0.08 * std::ldexp(1.0, -(r - 1)) ? r - 1 : -1;
}

Overrides parseAssignments(const std::vector<std::string>& assignments)
{
    Overrides result;
    for (const std::string& a : assignments) {
        const size_t eq = a.find('=');
        const size_t dot = eq == std::string::npos ? std::string::npos : a.rfind('.', eq);
        if (eq == std::string::npos || dot == std::string::npos || dot == 0)
            throw Error(
                "override '" + a + "' is not LAYER.KEY=VALUE (keys: wbits, abits, scheme, template, group, tables)");
        const std::string layer = a.substr(0, dot), key = a.substr(dot + 1, eq - dot - 1), value = a.substr(eq + 1);
        LayerOverride& o = result[layer];
        if (key == "wbits") {
            o.weightBits = parseInt(value, a, 1, 16);
        } else if (key == "abits") {
            o.activationBits = parseInt(value, a, 1, 16);
        } else if (key == "group") {
            o.groupSize = parseInt(value, a, 1, 64);
        } else if (key == "scheme") {
            if (value == "uniform")
                o.weightScheme = ir::WeightScheme::Uniform;
            else if (value == "pow2")
                o.weightScheme = ir::WeightScheme::PowerOfTwo;
            else
                throw Error("override '" + a + "': scheme is uniform or pow2");
        } else if (key == "template") {
            o.templateKind = ir::templateFromString(value);
            if (!o.templateKind)
                throw Error(
                    "override '" + a + "': template is one of tlmac, unrolled, lut-dense, shift-add, lut-na, dsp");
        } else if (key == "tables") {
            o.tables = std::make_shared<const ir::LearnedTables>(loadLearnedTables(value));
            o.tablesFile = std::filesystem::absolute(value).lexically_normal().string();
        } else {
            throw Error("override '" + a + "': unknown key '" + key
                + "' (keys: wbits, abits, scheme, template, group, tables)");
        }
    }
    return result;
}

Overrides expandOverrides(const ir::Graph& graph, const Overrides& overrides)
{
    Overrides result;
    const auto all = overrides.find(kAllLayers);
    if (all != overrides.end()) {
        for (int i = 0; i < int(graph.layers.size()); ++i) {
            const ir::Layer& l = graph.layers[size_t(i)];
            if (!ir::hasWeights(l.kind)) continue;
            if (all->second.tables) throw Error("learned tables are set on '*': tables belong to one layer, name it");
            LayerOverride o = all->second;
            o.activationBits.reset();
            mergeOverride(result[l.name], o);
            if (all->second.activationBits) {
                const int p = activationProducer(graph, i);
                const bool floatModelInput = p >= 0 && graph.layers[size_t(p)].kind == ir::LayerKind::Input
                    && !graph.layers[size_t(p)].outputQuant();
                if (p >= 0 && !floatModelInput)
                    result[graph.layers[size_t(p)].name].activationBits = all->second.activationBits;
            }
        }
    }
    for (const auto& [name, o] : overrides) {
        if (name == kAllLayers) continue;
        const bool exists
            = std::any_of(graph.layers.begin(), graph.layers.end(), [&](const ir::Layer& l) { return l.name == name; });
        if (!exists) {
            std::string names;
            for (const ir::Layer& l : graph.layers)
                if (ir::hasWeights(l.kind) || l.outputQuant()) names += (names.empty() ? "" : ", ") + l.name;
            throw Error("override for unknown layer '" + name + "' (layers: " + names + ")");
        }
        mergeOverride(result[name], o);
    }
    return result;
}

ir::Graph applyOverrides(const ir::Graph& graph, const Overrides& overrides, const ApplyOptions& options)
{
    ir::Graph out = graph;
    const Overrides expanded = expandOverrides(graph, overrides);
    for (int i = 0; i < int(out.layers.size()); ++i) {
        ir::Layer& layer = out.layers[size_t(i)];
        const auto it = expanded.find(layer.name);
        if (it == expanded.end()) continue;
        const LayerOverride& o = it->second;
        const std::string where = "layer '" + layer.name + "'";
        if (o.weightBits || o.weightScheme) {
            const int bits
                = o.weightBits ? *o.weightBits : (layer.weightQuant.quantised() ? layer.weightQuant.bits : 0);
            if (bits == 0) throw Error(where + " has float weights: give it weight bits to change its scheme");
            // A pow2 layer holds its container width in QuantSpec::bits; re-quantising it uniformly keeps that.
            requantiseWeights(layer, bits, o.weightScheme.value_or(ir::WeightScheme::Uniform), options.granularity);
        }
        if (o.tables) {
            if (layer.kind != ir::LayerKind::Dense)
                throw Error(where + " (" + std::string(ir::toString(layer.kind)) + ") cannot take learned tables from "
                    + o.tables->origin + ": they replace the products of Dense layers");
            if (!o.tables->layer.empty() && o.tables->layer != layer.name)
                throw Error(where + ": the learned tables from " + o.tables->origin + " are for layer '"
                    + o.tables->layer + "'");
            layer.learnedTables = o.tables;
        }
        if (o.activationBits) {
            if (const ir::QuantSpec* q = layer.outputQuant(); q && q == &layer.epilogue.back().quant
                && layer.epilogue.back().kind == ir::PointwiseKind::MultiThreshold)
                throw Error(where
                    + " ends in a FINN MultiThreshold: its thresholds fix the output levels, so its "
                      "activation bits cannot change");
            bool found = false;
            for (auto op = layer.epilogue.rbegin(); op != layer.epilogue.rend(); ++op)
                if (op->kind == ir::PointwiseKind::Quant) {
                    rebit(op->quant, *o.activationBits, where);
                    found = true;
                    break;
                }
            if (!found) {
                const auto range = options.calibratedRanges.find(i);
                if (range == options.calibratedRanges.end())
                    throw Error(where
                        + " has no output quantiser to change; post-training quantisation of its "
                          "activations needs calibration data (--inputs)");
                ir::PointwiseOp op;
                op.kind = ir::PointwiseKind::Quant;
                op.quant = calibratedQuant(range->second.first, range->second.second, *o.activationBits, where);
                layer.epilogue.push_back(op);
            }
        }
    }
    return out;
}

} // namespace luthier::quant
