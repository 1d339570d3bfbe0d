#include "place/netlist.h"

#include "arch/hw_design.h"
#include "util/enum_names.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

namespace luthier::place {

constexpr util::EnumName<UnitKind> kUnitKindNames[] = { { UnitKind::LutArrays, "arrays" }, { UnitKind::MuxBank, "mux" },
    { UnitKind::Accumulators, "acc" }, { UnitKind::Memory, "memory" }, { UnitKind::Control, "control" } };

std::string_view toString(UnitKind kind)
{
    return util::nameOf(kUnitKindNames, kind);
}

device::Resources Netlist::total() const
{
    device::Resources sum;
    for (const Unit& u : units)
        sum += u.demand;
    return sum;
}

int Netlist::findUnit(std::string_view name) const
{
    for (size_t i = 0; i < units.size(); ++i)
        if (units[i].name == name) return int(i);
    return -1;
}

int Netlist::findLayer(std::string_view name) const
{
    for (size_t i = 0; i < layers.size(); ++i)
        if (layers[i] == name) return int(i);
    return -1;
}

void Netlist::validate() const
{
    std::set<std::string_view> names;
    for (const Unit& u : units) {
        if (!names.insert(u.name).second) throw Error("netlist: duplicate unit name '" + u.name + "'");
        if (u.layer < 0 || u.layer >= int(layers.size()))
            throw Error("netlist: unit '" + u.name + "' names layer " + std::to_string(u.layer) + " of "
                + std::to_string(layers.size()));
        if (u.demand.luts < 0 || u.demand.ffs < 0 || u.demand.dsps < 0 || u.demand.brams < 0 || u.muxInputs < 0)
            throw Error("netlist: unit '" + u.name + "' has a negative demand");
    }
    for (size_t n = 0; n < nets.size(); ++n) {
        const Net& net = nets[n];
        std::set<int> distinct;
        for (int u : net.units) {
            if (u < 0 || u >= int(units.size()))
                throw Error("netlist: net " + std::to_string(n) + " names unit " + std::to_string(u) + " of "
                    + std::to_string(units.size()));
            distinct.insert(u);
        }
        if (distinct.size() < 2 || distinct.size() != net.units.size())
            throw Error("netlist: net " + std::to_string(n) + " needs at least two distinct units");
        if (net.wires <= 0) throw Error("netlist: net " + std::to_string(n) + " carries no wires");
    }
}

namespace {

constexpr double kRamb36Bits = 36864.0;
// Buses whose width the design does not state (generic logic chunks, activation buffers).
constexpr int64_t kNominalBusWires = 32;

int bitsFor(int64_t choices)
{
    return choices <= 1 ? 0 : int(std::ceil(std::log2(double(choices))));
}

class Builder {
public:
    Builder(Netlist& netlist, const NetlistOptions& options)
        : m_netlist(netlist)
        , m_options(options)
    {
    }

    int addUnit(int layer, UnitKind kind, device::Resources demand, int64_t muxInputs = 0)
    {
        const std::string prefix = m_netlist.layers[size_t(layer)] + "/" + std::string(toString(kind));
        const int ordinal = m_counters[prefix]++;
        m_netlist.units.push_back({ prefix + std::to_string(ordinal), kind, layer, demand, muxInputs });
        return int(m_netlist.units.size()) - 1;
    }

    void addNet(std::vector<int> units, int64_t wires)
    {
        std::sort(units.begin(), units.end());
        units.erase(std::unique(units.begin(), units.end()), units.end());
        if (units.size() >= 2 && wires > 0) m_netlist.nets.push_back({ std::move(units), wires });
    }

    // Cuts `total` LUTs (or block RAMs) into chunks no larger than `cap`, as evenly as possible.
    static std::vector<int64_t> split(int64_t total, int64_t cap)
    {
        const int64_t parts = std::max<int64_t>(1, (total + cap - 1) / cap);
        std::vector<int64_t> out;
        for (int64_t i = 0; i < parts; ++i)
            out.push_back(total * (i + 1) / parts - total * i / parts);
        return out;
    }

    Netlist& m_netlist;
    const NetlistOptions& m_options;
    std::map<std::string, int> m_counters;
};

} // namespace

Netlist buildNetlist(const arch::HwDesign& design, const NetlistOptions& options)
{
    if (options.maxUnitLuts < 1 || options.maxUnitBrams < 1)
        throw Error("netlist options: unit size limits must be positive");
    Netlist netlist;
    Builder b(netlist, options);
    std::set<std::string> layerNames;
    for (size_t li = 0; li < design.layers.size(); ++li) {
        // Constraints name layers, so names must be unique; the module name is unique by construction.
        std::string name = design.layers[li].name.empty() ? design.layers[li].module : design.layers[li].name;
        if (!layerNames.insert(name).second) name = design.layers[li].module;
        layerNames.insert(name);
        netlist.layers.push_back(name);
    }

    std::vector<int> control(design.layers.size());
    std::vector<std::vector<int>> outputs(design.layers.size()); // units that drive a layer's result
    for (size_t li = 0; li < design.layers.size(); ++li) {
        const arch::HwLayer& layer = design.layers[li];
        const int L = int(li);
        device::Resources explicitDemand;
        control[li] = b.addUnit(L, UnitKind::Control, {});

        // Banks of LUT arrays, in array order (arrays holding neighbouring groups stay together).
        std::unordered_map<int32_t, int> bankOfArray;
        std::vector<int> arrayBanks;
        for (size_t a = 0; a < layer.arrays.size();) {
            device::Resources demand;
            const size_t first = a;
            while (a < layer.arrays.size() && (a == first || demand.luts + layer.arrays[a].luts <= options.maxUnitLuts))
                demand.luts += layer.arrays[a++].luts;
            const int unit = b.addUnit(L, UnitKind::LutArrays, demand);
            for (size_t k = first; k < a; ++k)
                bankOfArray[layer.arrays[k].index] = unit;
            arrayBanks.push_back(unit);
            explicitDemand += demand;
        }

        // Multiplexer banks of consecutive lanes, each with the accumulators of the same lanes.
        std::unordered_map<int, const arch::Accumulator*> accOfLane;
        for (const arch::Accumulator& acc : layer.accumulators)
            accOfLane[acc.lane] = &acc;
        std::set<int> accumulatedLanes;
        std::vector<int> muxBanks, accBanks;
        std::vector<int64_t> muxBankSelectBits;
        for (size_t m = 0; m < layer.muxes.size();) {
            device::Resources muxDemand, accDemand;
            int64_t inputs = 0, dataWires = 0, selectBits = 0;
            std::map<int, int64_t> wiresFromBank;
            const size_t first = m;
            auto accLuts = [&](size_t k) {
                const auto it = accOfLane.find(layer.muxes[k].lane);
                return it == accOfLane.end() ? int64_t(0) : it->second->luts;
            };
            while (m < layer.muxes.size()
                && (m == first
                    || (muxDemand.luts + layer.muxes[m].luts <= options.maxUnitLuts
                        && accDemand.luts + accLuts(m) <= options.maxUnitLuts))) {
                const arch::Multiplexer& mux = layer.muxes[m++];
                muxDemand.luts += mux.luts;
                const int64_t fanIn = int64_t(mux.arrays.size()) + (mux.constantZero ? 1 : 0);
                inputs += fanIn;
                selectBits += bitsFor(fanIn);
                dataWires += mux.width;
                for (int32_t array : mux.arrays)
                    if (auto it = bankOfArray.find(array); it != bankOfArray.end())
                        wiresFromBank[it->second] += mux.width;
                if (auto it = accOfLane.find(mux.lane); it != accOfLane.end()) {
                    accDemand += { it->second->luts, it->second->ffs, 0, 0 };
                    accumulatedLanes.insert(mux.lane);
                }
            }
            const int muxUnit = b.addUnit(L, UnitKind::MuxBank, muxDemand, inputs);
            muxBanks.push_back(muxUnit);
            muxBankSelectBits.push_back(selectBits);
            explicitDemand += muxDemand;
            for (const auto& [bank, wires] : wiresFromBank)
                b.addNet({ bank, muxUnit }, wires);
            if (!accDemand.isZero()) {
                const int accUnit = b.addUnit(L, UnitKind::Accumulators, accDemand);
                accBanks.push_back(accUnit);
                explicitDemand += accDemand;
                b.addNet({ muxUnit, accUnit }, dataWires);
            }
        }
        // Accumulators without a multiplexer (templates that add directly), in banks of their own.
        for (size_t a = 0; a < layer.accumulators.size();) {
            device::Resources demand;
            const size_t first = a;
            for (; a < layer.accumulators.size(); ++a) {
                const arch::Accumulator& acc = layer.accumulators[a];
                if (accumulatedLanes.count(acc.lane)) continue;
                if (a != first && demand.luts + acc.luts > options.maxUnitLuts) break;
                demand += { acc.luts, acc.ffs, 0, 0 };
            }
            if (!demand.isZero()) {
                accBanks.push_back(b.addUnit(L, UnitKind::Accumulators, demand));
                explicitDemand += demand;
            }
        }

        // ROMs: in LUTs when the compiler inlined them as tables, else in block RAM (maybe several units).
        const int activationBits = layer.tlmac ? layer.tlmac->plan.groupSize : 1;
        bool addressNet = false;
        int64_t romBrams = 0;
        for (const arch::Rom& rom : layer.roms) {
            std::vector<int> parts;
            if (rom.luts > 0) {
                // Wide routing ROMs of big layers are thousands of LUTs: cut like the other banks.
                for (int64_t share : Builder::split(rom.luts, options.maxUnitLuts))
                    parts.push_back(b.addUnit(L, UnitKind::Memory, { share, 0, 0, 0 }));
                explicitDemand.luts += rom.luts;
            } else {
                const int64_t brams = std::max<int64_t>(1, int64_t(std::ceil(double(rom.bits()) / kRamb36Bits)));
                romBrams += brams;
                for (int64_t share : Builder::split(brams, options.maxUnitBrams))
                    parts.push_back(b.addUnit(L, UnitKind::Memory, { 0, 0, 0, share }));
            }
            std::vector<int> pins = parts;
            if (rom.name == "cluster") {
                // The array address: cluster select from the ROM plus the activation bits from control.
                pins.push_back(control[li]);
                pins.insert(pins.end(), arrayBanks.begin(), arrayBanks.end());
                b.addNet(pins, rom.width + activationBits);
                addressNet = true;
            } else if (rom.name == "route") {
                // The routing word is the lanes' selects side by side, so a ROM cut into parts drives the mux
                // banks of its own lane range.
                for (size_t k = 0; k < muxBanks.size(); ++k)
                    b.addNet({ parts[k * parts.size() / muxBanks.size()], muxBanks[k] }, muxBankSelectBits[k]);
                pins.push_back(control[li]);
                b.addNet(pins, bitsFor(rom.depth));
            } else if (rom.name == "thresholds") {
                // Levels of a lane range per part, like the routing ROM.
                if (accBanks.empty() || parts.size() == 1) {
                    pins.insert(pins.end(), accBanks.begin(), accBanks.end());
                    b.addNet(pins, rom.width);
                } else {
                    for (size_t k = 0; k < accBanks.size(); ++k)
                        b.addNet({ parts[k * parts.size() / accBanks.size()], accBanks[k] },
                            std::max<int64_t>(1, rom.width / int64_t(accBanks.size())));
                    pins.push_back(control[li]);
                    b.addNet(pins, bitsFor(rom.depth));
                }
            } else {
                pins.push_back(control[li]);
                b.addNet(pins, rom.width);
            }
        }
        if (!addressNet && !arrayBanks.empty()) {
            std::vector<int> pins { control[li] };
            pins.insert(pins.end(), arrayBanks.begin(), arrayBanks.end());
            b.addNet(pins, activationBits);
        }

        // Control takes what the layer's estimate holds beyond the explicit structures; large remainders
        // (templates without explicit structures) become logic chunks on a nominal bus to the control.
        device::Resources rest { std::max<int64_t>(0, layer.estimate.lut - explicitDemand.luts),
            std::max<int64_t>(0, layer.estimate.ff - explicitDemand.ffs), layer.estimate.dsp,
            std::max<int64_t>(0, int64_t(std::ceil(layer.estimate.bram - 1e-9)) - romBrams) };
        const auto lutChunks = Builder::split(rest.luts, options.maxUnitLuts);
        const auto ffChunks = Builder::split(rest.ffs, 2 * options.maxUnitLuts);
        netlist.units[size_t(control[li])].demand = { lutChunks[0], ffChunks[0], rest.dsps, 0 };
        for (size_t k = 1; k < std::max(lutChunks.size(), ffChunks.size()); ++k) {
            const int chunk = b.addUnit(L, UnitKind::Control,
                { k < lutChunks.size() ? lutChunks[k] : 0, k < ffChunks.size() ? ffChunks[k] : 0, 0, 0 });
            b.addNet({ control[li], chunk }, kNominalBusWires);
        }
        if (rest.brams > 0)
            for (int64_t share : Builder::split(rest.brams, options.maxUnitBrams))
                b.addNet({ control[li], b.addUnit(L, UnitKind::Memory, { 0, 0, 0, share }) }, kNominalBusWires);

        outputs[li] = accBanks.empty() ? std::vector<int> { control[li] } : accBanks;
        for (int input : layer.inputs) {
            if (input < 0 || input >= int(li))
                throw Error("design: layer '" + netlist.layers[li] + "' reads layer " + std::to_string(input)
                    + ", which does not precede it");
            int64_t wires = 0;
            for (const arch::Port& port : design.layers[size_t(input)].ports)
                if (!port.input) wires += port.width;
            std::vector<int> pins = outputs[size_t(input)];
            pins.push_back(control[li]);
            b.addNet(pins, wires > 0 ? wires : kNominalBusWires);
        }
    }
    netlist.validate();
    return netlist;
}

} // namespace luthier::place
