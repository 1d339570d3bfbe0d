// A top for any layer graph. Every producer (the design input or a layer) offers its result to each consumer;
// an eager fork remembers which consumers took it and releases the producer when all have. A layer with
// several inputs starts when all of them are valid and takes them together (its in_data concatenates the
// producers' buses in input order, input 0 in the low bits). The design output is the last layer's result.

#include "rtl/emit_dataflow.h"
#include "rtl/verilog_text.h"
#include "util/text_stream.h"

#include <algorithm>
#include <sstream>

namespace luthier::rtl {

namespace {

int64_t outWidth(const arch::HwLayer& layer)
{
    for (const arch::Port& p : layer.ports)
        if (p.name == "out_data") return p.width;
    return 1;
}

} // namespace

bool needsGraphTop(const arch::HwDesign& design)
{
    for (size_t i = 0; i < design.layers.size(); ++i) {
        const arch::HwLayer& l = design.layers[i];
        if (l.conv || l.block || l.inputs.size() > 1 || (i > 0 && (l.inputs.empty() || l.inputs[0] != int(i) - 1)))
            return true;
    }
    return false;
}

std::string emitGraphTop(const arch::HwDesign& design)
{
    const size_t n = design.layers.size();
    // Producer k: 0 = the design input, i + 1 = layer i. Edges: (producer, consumer layer or -1 = output).
    std::vector<std::vector<int>> consumers(n + 1);
    for (size_t i = 0; i < n; ++i) {
        const auto& inputs = design.layers[i].inputs;
        if (inputs.empty()) consumers[0].push_back(int(i));
        for (int p : inputs)
            consumers[size_t(p) + 1].push_back(int(i));
    }
    consumers[n].push_back(-1);

    util::TextStream v;
    v << "// " << design.top << ": model '" << commentText(design.model) << "' compiled by Luthier.\n";
    v << "// Estimate: " << design.estimate.lut << " LUT, " << design.estimate.ff << " FF, " << design.estimate.bram
      << " BRAM36; " << design.cycles << " cycles per inference (sum of the layers' latencies).\n//\n";
    v << "// Streaming interface (synchronous to clk, rst synchronous active high):\n"
      << "//   in_valid/in_ready: an input vector is taken in a cycle where both are 1.\n"
      << "//   in_data: " << design.inputCount << " input codes of " << design.inputBits
      << " bits, element i in bits [i*" << design.inputBits << " +: " << design.inputBits
      << "] (C order of the model input).\n"
      << "//   out_valid/out_ready: the output vector is held until a cycle where both are 1.\n"
      << "//   out_data: " << design.outputCount << " outputs of " << design.outputBits
      << " bits, element o in bits [o*" << design.outputBits << " +: " << design.outputBits << "], "
      << (design.outputSigned ? "raw accumulators (two's complement)" : "codes") << ".\n";
    v << "// Layers form a graph: a result goes to every consumer (eager fork), multi-input layers join.\n";
    v << "module " << design.top << " (\n    input wire clk,\n    input wire rst,\n    input wire in_valid,\n"
      << "    output wire in_ready,\n    input wire " << range(design.inputCount * design.inputBits - 1, 0)
      << " in_data,\n    output wire out_valid,\n    input wire out_ready,\n    output wire "
      << range(design.outputCount * design.outputBits - 1, 0) << " out_data\n);\n";

    // Producer signals.
    for (size_t k = 0; k <= n; ++k) {
        const int64_t width = k == 0 ? design.inputCount * design.inputBits : outWidth(design.layers[k - 1]);
        v << "    wire pv" << k << ", pr" << k << ";\n    wire " << range(width - 1, 0) << " pd" << k << ";\n";
    }
    v << "    assign pv0 = in_valid;\n    assign in_ready = pr0;\n    assign pd0 = in_data;\n";

    // Forks: edge e of producer k has cv<k>_<e> / cr<k>_<e>.
    for (size_t k = 0; k <= n; ++k) {
        const size_t m = consumers[k].size();
        for (size_t e = 0; e < m; ++e)
            v << "    wire cv" << k << "_" << e << ", cr" << k << "_" << e << ";\n";
        if (m == 0) { // a result nobody reads (cannot happen for mapped designs): always taken
            v << "    assign pr" << k << " = 1'b1;\n";
            continue;
        }
        if (m == 1) {
            v << "    assign cv" << k << "_0 = pv" << k << ";\n    assign pr" << k << " = cr" << k << "_0;\n";
            continue;
        }
        v << "    reg " << range(m - 1, 0) << " done" << k << ";\n    wire " << range(m - 1, 0) << " take" << k
          << ";\n";
        for (size_t e = 0; e < m; ++e) {
            v << "    assign cv" << k << "_" << e << " = pv" << k << " && !done" << k << "[" << e << "];\n";
            v << "    assign take" << k << "[" << e << "] = cv" << k << "_" << e << " && cr" << k << "_" << e << ";\n";
        }
        v << "    assign pr" << k << " = &(done" << k << " | take" << k << ");\n";
        v << "    always @(posedge clk) begin\n        if (rst || (pv" << k << " && pr" << k << "))\n            done"
          << k << " <= " << m << "'d0;\n        else\n            done" << k << " <= done" << k << " | take" << k
          << ";\n    end\n";
    }
    // Edge index of the nth (producer k, consumer c) pair: a layer may read one result twice (Add(x, x)).
    auto edge = [&](size_t k, int c, int nth) {
        for (size_t e = 0; e < consumers[k].size(); ++e)
            if (consumers[k][e] == c && nth-- == 0) return e;
        return size_t(0);
    };
    const size_t outEdge = edge(n, -1, 0);
    v << "    assign out_valid = cv" << n << "_" << outEdge << ";\n    assign cr" << n << "_" << outEdge
      << " = out_ready;\n    assign out_data = pd" << n << ";\n\n";

    for (size_t i = 0; i < n; ++i) {
        const arch::HwLayer& layer = design.layers[i];
        std::vector<size_t> producers;
        if (layer.inputs.empty()) producers.push_back(0);
        for (int p : layer.inputs)
            producers.push_back(size_t(p) + 1);
        std::string valid, data;
        std::vector<size_t> edges;
        for (size_t j = 0; j < producers.size(); ++j) {
            const int nth = int(std::count(producers.begin(), producers.begin() + long(j), producers[j]));
            edges.push_back(edge(producers[j], int(i), nth));
            valid += (j ? " && " : "") + std::string("cv") + std::to_string(producers[j]) + "_"
                + std::to_string(edges.back());
            data = std::string("pd").append(std::to_string(producers[j])).append(j ? ", " : "").append(data);
        }
        v << "    wire iv" << i << " = " << valid << ";\n    wire ir" << i << ";\n";
        for (size_t j = 0; j < producers.size(); ++j)
            v << "    assign cr" << producers[j] << "_" << edges[j] << " = ir" << i << " && iv" << i << ";\n";
        v << "    " << layer.module << " " << layer.instance << " (\n        .clk(clk),\n        .rst(rst),\n"
          << "        .in_valid(iv" << i << "),\n        .in_ready(ir" << i << "),\n        .in_data("
          << (producers.size() > 1 ? "{" + data + "}" : data) << "),\n        .out_valid(pv" << i + 1
          << "),\n        .out_ready(pr" << i + 1 << "),\n        .out_data(pd" << i + 1 << ")\n    );\n";
    }
    v << "endmodule\n";
    return v.str();
}

} // namespace luthier::rtl
