#pragma once
// What the placer moves (DESIGN.md section 6): placement units are groups of hardware, not single LUTs
// (a bank of LUT arrays, a bank of output multiplexers, a bank of accumulators, a ROM or buffer in block
// RAM, a layer's control), and nets are the buses between them, weighted by their wires.

#include "device/resources.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace luthier::arch {
struct HwDesign;
}

namespace luthier::place {

enum class UnitKind { LutArrays, MuxBank, Accumulators, Memory, Control };
std::string_view toString(UnitKind kind); // "arrays", "mux", "acc", "memory", "control"

struct Unit {
    std::string name; // "<layer>/<kind><index>", unique
    UnitKind kind = UnitKind::Control;
    int layer = 0; // index into Netlist::layers
    device::Resources demand; // BRAMs in RAMB36 equivalents (36 Kbit); the placer converts for other devices
    int64_t muxInputs = 0; // total multiplexer fan-in inside this unit (the mux fan-in heatmap)
};

struct Net {
    std::vector<int> units; // indices into Netlist::units, at least two distinct
    int64_t wires = 1; // bits the bus carries: the net's weight in wirelength and wire demand
};

struct Netlist {
    std::vector<std::string> layers;
    std::vector<Unit> units;
    std::vector<Net> nets;

    device::Resources total() const;
    // -1 when no unit or layer has that name.
    int findUnit(std::string_view name) const;
    int findLayer(std::string_view name) const;
    // Throws luthier::Error for dangling indices, nets with fewer than two units, duplicate unit names,
    // or negative demand.
    void validate() const;
};

struct NetlistOptions {
    int64_t maxUnitLuts = 512; // banks of arrays, multiplexers and accumulators are cut at this size
    int64_t maxUnitBrams = 4; // memories larger than this become several units
};

// The placement netlist of a compiled design. Per layer: LUT arrays cut into banks; multiplexers cut into
// banks of consecutive lanes, each with the accumulator bank of the same lanes; every ROM (in LUTs when
// the compiler inlined it, else in block RAM); one control unit holding the rest of the layer's estimate
// (sequencer, input registers, comparators). Nets: array bank -> mux banks that select from it (wires =
// selected array outputs), mux bank -> its accumulator bank, cluster ROM + control -> every array bank
// (cluster select and activation bits), routing ROM -> every mux bank (its select bits), thresholds ROM ->
// accumulator banks, accumulators of a layer -> the control of each layer it feeds.
Netlist buildNetlist(const arch::HwDesign& design, const NetlistOptions& options = {});

} // namespace luthier::place
