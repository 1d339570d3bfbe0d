// TLMAC layer modules (DESIGN.md section 5, docs/compiler.md section 3): bit-serial activations address LUT
// arrays shared by clustered steps, per-lane multiplexers pick the arrays, accumulators shift-add, and a
// comparator per lane steps through the threshold ROM.

#include "arch/tlmac/layer_units.h"
#include "rtl/layer_emitters.h"
#include "rtl/verilog_text.h"
#include "util/text_stream.h"

#include <sstream>

namespace luthier::rtl {

namespace {

using arch::HwLayer;
using arch::TlmacDatapath;
using arch::tlmac::TlmacPlan;

struct Roms {
    std::vector<std::vector<uint8_t>> route, cluster, thresholds, negate;
};

Roms buildRoms(const TlmacDatapath& d)
{
    const TlmacPlan& plan = d.plan;
    Roms roms;
    int routeWidth = 0;
    for (int p = 0; p < plan.parallel; ++p)
        routeWidth += arch::tlmac::selectBits(plan, p);
    for (int64_t s = 0; s < plan.steps; ++s) {
        std::vector<uint8_t> word(size_t(routeWidth), 0);
        size_t offset = 0;
        for (int p = 0; p < plan.parallel; ++p) {
            const int width = arch::tlmac::selectBits(plan, p);
            putBits(word, offset, uint64_t(plan.routeSelect(s, p)), width);
            offset += size_t(width);
        }
        roms.route.push_back(std::move(word));
        if (plan.clusterBits > 0) {
            std::vector<uint8_t> c(size_t(plan.clusterBits), 0);
            putBits(c, 0, uint64_t(plan.clusterOfStep[size_t(s)]), plan.clusterBits);
            roms.cluster.push_back(std::move(c));
        }
    }
    if (!d.raw) {
        for (int64_t b = 0; b < plan.blocks; ++b) {
            std::vector<uint8_t> neg(size_t(plan.parallel), 0);
            for (int p = 0; p < plan.parallel; ++p) {
                const int64_t o = b * plan.parallel + p;
                neg[size_t(p)] = o < plan.outputs && d.compareSign[size_t(o)] < 0;
            }
            roms.negate.push_back(std::move(neg));
            for (int k = 0; k < d.thresholdsPerOutput; ++k) {
                std::vector<uint8_t> word(size_t(plan.parallel) * size_t(d.compareBits), 0);
                for (int p = 0; p < plan.parallel; ++p) {
                    const int64_t o = b * plan.parallel + p;
                    const int64_t level = o < plan.outputs ? d.compareLevels[size_t(o)][size_t(k)]
                                                           : (int64_t(1) << (d.compareBits - 1)) - 1;
                    putBits(word, size_t(p) * size_t(d.compareBits), masked(level, d.compareBits), d.compareBits);
                }
                roms.thresholds.push_back(std::move(word));
            }
        }
    }
    return roms;
}

std::string tlmacModule(const HwLayer& layer, const Roms& roms)
{
    const TlmacDatapath& d = *layer.tlmac;
    const TlmacPlan& plan = d.plan;
    const int G = plan.groupSize, BA = d.inputBits, P = plan.parallel, NL = plan.lutWidth, AB = d.accBits;
    const int64_t J = plan.groupsPerOutput, BLK = plan.blocks, STEPS = plan.steps, NOUT = plan.outputs;
    const int OB = d.raw ? d.rawBits : d.outputBits;
    const int addrBits = plan.clusterBits + G;
    const int SW = bitsFor(STEPS), JW = bitsFor(J), PW = bitsFor(BA), BW = bitsFor(BLK);
    const int NT = d.raw ? 1 : d.thresholdsPerOutput;
    const int TW = bitsFor(BLK * NT), KW = bitsFor(NT);
    const int64_t padBits = J * G * BA - d.inputs * BA;

    util::TextStream v;
    v << "// Layer '" << commentText(layer.name) << "': TLMAC dense " << d.inputs << " -> " << NOUT << " ("
      << plan.weightBits << "-bit weights, " << BA << "-bit input codes" << (d.inputScale == 2 ? ", bipolar" : "")
      << ")\n";
    v << "// K = " << plan.lutInputs << ", G = " << G << ", P = " << P << ", steps D_s = " << STEPS << ", clusters "
      << plan.clusters << " (" << plan.clusterMethod << "), arrays N_arr = " << plan.arrays << " x " << NL
      << " LUTs, wires " << plan.wiresInitial << " -> " << plan.wiresFinal << " after annealing\n";
    v << "// Estimate: " << describeEstimate(layer.estimate) << "; " << layer.cycles << " cycles per inference\n";
    v << "// Output: "
      << (d.raw ? "raw accumulators, " + std::to_string(OB) + "-bit two's complement"
                : std::to_string(OB) + "-bit requantised codes")
      << ". Interface: see the top module.\n";
    v << "module " << layer.module << " (\n"
      << "    input wire clk,\n    input wire rst,\n    input wire in_valid,\n    output wire in_ready,\n"
      << "    input wire [" << d.inputs * BA - 1 << ":0] in_data,\n    output reg out_valid,\n"
      << "    input wire out_ready,\n    output wire [" << NOUT * OB - 1 << ":0] out_data\n);\n\n";

    v << "    reg [" << J * G * BA - 1 << ":0] x; // input codes, zero padded to whole groups\n";
    v << "    reg [" << NOUT * OB - 1 << ":0] y;\n    assign out_data = y;\n";
    v << "    reg busy, requant;\n";
    v << "    reg [" << SW - 1 << ":0] s, sbase; // step = block * " << J << " + j\n";
    v << "    reg [" << JW - 1 << ":0] j;\n    reg [" << PW - 1 << ":0] plane; // MSB plane first\n";
    v << "    reg [" << BW - 1 << ":0] blk;\n    reg [" << TW - 1 << ":0] t; // block * " << NT << " + k\n";
    v << "    reg [" << KW - 1 << ":0] k;\n";
    v << "    assign in_ready = !busy && !out_valid;\n\n";

    // Address: {cluster, G activation bits of plane `plane` of input group j}.
    // An explicit multiplexer over j: an indexed part-select x[j * W +: W] would synthesise as a barrel shifter.
    v << "    reg [" << G * BA - 1 << ":0] grp;\n    always @* begin\n        case (j)\n";
    for (int64_t jj = 0; jj < J; ++jj)
        v << "            " << JW << "'d" << jj << ": grp = x[" << (jj + 1) * G * BA - 1 << ":" << jj * G * BA
          << "];\n";
    v << "            default: grp = " << G * BA << "'d0;\n        endcase\n    end\n";
    v << "    wire [" << G - 1 << ":0] act;\n";
    for (int g = 0; g < G; ++g) {
        if (BA > 1) {
            v << "    wire [" << BA - 1 << ":0] code_" << g << " = grp[" << (g + 1) * BA - 1 << ":" << g * BA << "];\n";
            v << "    assign act[" << g << "] = code_" << g << "[plane];\n";
        } else {
            v << "    assign act[" << g << "] = grp[" << g << "];\n";
        }
    }
    if (plan.clusterBits > 0) {
        romFunction(v, "cluster_rom", roms.cluster, plan.clusterBits, SW);
        v << "    wire [" << addrBits - 1 << ":0] addr = {cluster_rom(s), act};\n";
    } else {
        v << "    wire [" << addrBits - 1 << ":0] addr = act;\n";
    }
    // Pipeline registers between the step counters and the tables: the tables see a registered K-bit address
    // (one LUT-K per bit), the multiplexers a registered select.
    v << "    reg [" << addrBits - 1 << ":0] addr_r;\n    reg pv, first_r, dbl_r, drain;\n\n";

    // LUT arrays: one case table per array, N_lut output bits, each bit a LUT-K.
    for (const auto& array : layer.arrays) {
        const std::string f = "table_" + std::to_string(array.index);
        v << "    function [" << NL - 1 << ":0] " << f << ";\n        input [" << addrBits - 1 << ":0] a;\n";
        v << "        begin\n            case (a)\n";
        for (int c = 0; c < plan.clusters; ++c)
            for (unsigned bits = 0; bits < (1u << G); ++bits) {
                const unsigned address = (unsigned(c) << G) | bits;
                v << "                " << addrBits << "'d" << address << ": " << f << " = "
                  << bin(masked(plan.tableValue(array.index, c, bits), NL), NL) << ";\n";
            }
        v << "                default: " << f << " = " << NL
          << "'d0;\n            endcase\n        end\n    endfunction\n";
        v << "    wire [" << NL - 1 << ":0] arr_" << array.index << " = " << f << "(addr_r);\n\n";
    }

    int routeWidth = 0;
    for (int p = 0; p < P; ++p)
        routeWidth += arch::tlmac::selectBits(plan, p);
    romFunction(v, "route_rom", roms.route, routeWidth, SW);
    v << "    wire [" << routeWidth - 1 << ":0] sel = route_rom(s);\n";
    v << "    reg [" << routeWidth - 1 << ":0] sel_r;\n";
    v << "    wire first = (j == 0) && (plane == " << BA - 1 << ");\n";
    v << "    wire dbl = (j == 0);\n\n";

    // Lanes: multiplexer, accumulator (acc = 2 acc + m at a plane's first step, acc + m otherwise).
    int offset = 0;
    for (int p = 0; p < P; ++p) {
        const int sb = arch::tlmac::selectBits(plan, p);
        const auto& inputs = plan.laneArrays[size_t(p)];
        v << "    reg [" << NL - 1 << ":0] m_" << p << ";\n    always @* begin\n        case (sel_r[" << offset + sb - 1
          << ":" << offset << "])\n";
        for (size_t i = 0; i < inputs.size(); ++i)
            v << "            " << sb << "'d" << i << ": m_" << p << " = arr_" << inputs[i] << ";\n";
        v << "            default: m_" << p << " = " << NL << "'d0;\n        endcase\n    end\n";
        v << "    reg [" << AB - 1 << ":0] acc_" << p << ";\n";
        v << "    wire [" << AB - 1 << ":0] ext_" << p << " = " << signExtend("m_" + std::to_string(p), NL, AB)
          << ";\n";
        v << "    wire [" << AB - 1 << ":0] next_" << p << " = (first_r ? " << AB << "'d0 : dbl_r ? {acc_" << p << "["
          << AB - 2 << ":0], 1'b0} : acc_" << p << ") + ext_" << p << ";\n";
        offset += sb;
    }
    v << "\n";

    if (!d.raw) {
        const int CB = d.compareBits;
        romFunction(v, "threshold_rom", roms.thresholds, P * CB, TW);
        if (BLK > 1) romFunction(v, "negate_rom", roms.negate, P, BW);
        v << "    wire [" << P * CB - 1 << ":0] th = threshold_rom(t);\n";
        v << "    wire [" << P - 1 << ":0] neg = "
          << (BLK > 1 ? std::string("negate_rom(blk)") : std::to_string(P) + "'h" + hexDigits(roms.negate[0])) << ";\n";
        for (int p = 0; p < P; ++p) {
            v << "    wire [" << CB - 1 << ":0] ax_" << p << " = " << signExtend("acc_" + std::to_string(p), AB, CB)
              << ";\n";
            v << "    wire [" << CB - 1 << ":0] v_" << p << " = neg[" << p << "] ? (~ax_" << p << " + " << CB
              << "'d1) : ax_" << p << ";\n";
            v << "    wire ge_" << p << " = $signed(v_" << p << ") >= $signed(th[" << (p + 1) * CB - 1 << ":" << p * CB
              << "]);\n";
            v << "    reg [" << OB - 1 << ":0] cnt_" << p << ";\n";
            v << "    wire [" << OB - 1 << ":0] cn_" << p << " = (k == 0 ? " << OB << "'d0 : cnt_" << p << ") + ge_"
              << p << ";\n";
        }
    } else {
        for (int p = 0; p < P; ++p)
            v << "    wire [" << OB - 1 << ":0] raw_" << p << " = " << signExtend("acc_" + std::to_string(p), AB, OB)
              << (d.inputScale == 2 ? " << 1" : "") << ";\n";
    }

    v << "\n    always @(posedge clk) begin\n        if (rst) begin\n            busy <= 1'b0;\n"
      << "            out_valid <= 1'b0;\n            pv <= 1'b0;\n        end else begin\n"
      << "            if (out_valid && out_ready)\n                out_valid <= 1'b0;\n"
      << "            pv <= 1'b0;\n";
    for (int p = 0; p < P; ++p)
        v << "            if (pv)\n                acc_" << p << " <= next_" << p << ";\n";
    v << "            if (in_valid && in_ready) begin\n";
    v << "                x <= " << (padBits > 0 ? "{" + std::to_string(padBits) + "'d0, in_data}" : "in_data")
      << ";\n";
    v << "                busy <= 1'b1;\n                requant <= 1'b0;\n                drain <= 1'b0;\n            "
         "    s <= 0;\n"
      << "                sbase <= 0;\n                j <= 0;\n                plane <= " << BA - 1 << ";\n"
      << "                blk <= 0;\n                t <= 0;\n                k <= 0;\n";
    v << "            end else if (busy && !requant && !drain) begin\n";
    v << "                pv <= 1'b1;\n                addr_r <= addr;\n                sel_r <= sel;\n"
      << "                first_r <= first;\n                dbl_r <= dbl;\n";
    v << "                if (j == " << J - 1 << ") begin\n                    j <= 0;\n"
      << "                    if (plane == 0) begin\n                        drain <= 1'b1;\n"
      << "                    end else begin\n"
      << "                        plane <= plane - 1'b1;\n                        s <= sbase;\n"
      << "                    end\n                end else begin\n                    j <= j + 1'b1;\n"
      << "                    s <= s + 1'b1;\n                end\n";
    v << "            end else if (busy && drain) begin\n                drain <= 1'b0;\n"
      << "                requant <= 1'b1;\n                k <= 0;\n";
    v << "            end else if (busy) begin\n";
    if (!d.raw)
        for (int p = 0; p < P; ++p)
            v << "                cnt_" << p << " <= cn_" << p << ";\n";
    v << "                t <= t + 1'b1;\n";
    v << "                if (k == " << NT - 1 << ") begin\n";
    for (int64_t b = 0; b < BLK; ++b) {
        v << "                    if (blk == " << b << ") begin\n";
        for (int p = 0; p < P; ++p) {
            const int64_t o = b * P + p;
            if (o >= NOUT) break;
            v << "                        y[" << (o + 1) * OB - 1 << ":" << o * OB << "] <= ";
            if (d.raw)
                v << "raw_" << p << " + " << OB << "'h" << std::hex << masked(d.offset[size_t(o)], OB) << std::dec
                  << ";\n";
            else
                v << "cn_" << p << ";\n";
        }
        v << "                    end\n";
    }
    v << "                    if (blk == " << BLK - 1 << ") begin\n                        busy <= 1'b0;\n"
      << "                        out_valid <= 1'b1;\n                    end else begin\n"
      << "                        blk <= blk + 1'b1;\n                        requant <= 1'b0;\n"
      << "                        plane <= " << BA - 1 << ";\n                        s <= sbase + " << SW << "'d" << J
      << ";\n                        sbase <= sbase + " << SW << "'d" << J << ";\n                    end\n"
      << "                end else begin\n                    k <= k + 1'b1;\n                end\n";
    v << "            end\n        end\n    end\nendmodule\n";
    return v.str();
}

} // namespace

LayerEmission emitTlmacLayer(const HwLayer& layer)
{
    LayerEmission e;
    const Roms roms = buildRoms(*layer.tlmac);
    e.verilog = tlmacModule(layer, roms);
    for (const auto& rom : layer.roms) {
        const auto& words = rom.name == "route" ? roms.route : rom.name == "cluster" ? roms.cluster : roms.thresholds;
        e.files.push_back({ rom.file, memFile(words) });
    }
    const auto& d = *layer.tlmac;
    const auto& plan = d.plan;
    nlohmann::json clusterings = nlohmann::json::array();
    for (const auto& c : plan.clusterings)
        clusterings.push_back({ { "method", c.method }, { "arrays", c.arrays } });
    e.details = { { "K", plan.lutInputs }, { "G", plan.groupSize }, { "P", plan.parallel }, { "steps", plan.steps },
        { "blocks", plan.blocks }, { "clusters", plan.clusters }, { "clusterMethod", plan.clusterMethod },
        { "clusterings", clusterings }, { "uniqueGroups", plan.uniqueGroups.size() },
        { "totalGroups", plan.totalGroups }, { "arrays", plan.arrays }, { "lutWidth", plan.lutWidth },
        { "wiresInitial", plan.wiresInitial }, { "wiresFinal", plan.wiresFinal }, { "maxFanIn", plan.maxFanIn() },
        { "inputBits", d.inputBits }, { "accBits", d.accBits }, { "outputBits", d.outBits() }, { "raw", d.raw } };
    e.detailsKey = "tlmac";
    return e;
}

} // namespace luthier::rtl
