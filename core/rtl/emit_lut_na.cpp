// LUT-NA layer modules (divide and conquer): each (input, non-zero weight) product is built from ceil(B_a / k)
// lookups of the weight's multiples table T_w[v] = v * w (v a k-bit chunk of the input code), shift-added; each
// output adds its products in the parallel adder trees (rtl/parallel_sum.h).

#include "arch/map_dense.h"
#include "rtl/layer_emitters.h"
#include "rtl/parallel_sum.h"
#include "rtl/verilog_text.h"
#include "util/text_stream.h"

#include <map>
#include <sstream>

namespace luthier::rtl {

LayerEmission emitLutNaLayer(const arch::HwLayer& layer)
{
    const arch::DenseDatapath& d = *layer.dense;
    const int BA = d.inputBits, k = d.chunkBits, chunks = arch::lutNaChunks(d);
    const int64_t maxCode = (int64_t(1) << BA) - 1, maxChunk = (int64_t(1) << k) - 1;
    util::TextStream v;
    std::map<int32_t, std::string> functions;
    std::map<std::pair<int64_t, int32_t>, std::string> nets;
    ParallelBody body;
    body.terms.resize(size_t(d.outputs));
    for (int64_t o = 0; o < d.outputs; ++o)
        for (int64_t i = 0; i < d.inputs; ++i) {
            const int32_t w = d.weight(o, i);
            if (w == 0) continue;
            const int64_t lo = std::min<int64_t>(0, w * maxCode), hi = std::max<int64_t>(0, w * maxCode);
            const int width = signedWidth(lo, hi);
            const int chunkWidth = signedWidth(std::min<int64_t>(0, w * maxChunk), std::max<int64_t>(0, w * maxChunk));
            const std::string tag = std::string(w < 0 ? "m" : "p") + std::to_string(w < 0 ? -int64_t(w) : w);
            auto fn = functions.find(w);
            if (fn == functions.end()) {
                const std::string name = "mul_" + tag;
                std::vector<int64_t> multiples(size_t(maxChunk + 1));
                for (int64_t c = 0; c <= maxChunk; ++c)
                    multiples[size_t(c)] = w * c;
                tableConstant(v, name, multiples, chunkWidth);
                fn = functions.emplace(w, name).first;
            }
            auto net = nets.find({ i, w });
            if (net == nets.end()) {
                const std::string name = "p_" + std::to_string(i) + "_" + tag;
                std::string sum;
                for (int c = 0; c < chunks; ++c) {
                    // Chunk c holds code bits [c*k, c*k + k), the last one zero-padded.
                    const int low = c * k, bits = std::min(k, BA - low);
                    const std::string chunk = name + "_c" + std::to_string(c);
                    std::string address
                        = "x[" + std::to_string(i * BA + low + bits - 1) + ":" + std::to_string(i * BA + low) + "]";
                    if (bits < k) address = "{" + std::to_string(k - bits) + "'d0, " + address + "}";
                    v << "    wire [" << chunkWidth - 1 << ":0] " << chunk << " = " << tableRead(fn->second, address)
                      << ";\n";
                    sum += (c ? " + (" : "(") + signExtend(chunk, chunkWidth, width)
                        + (c ? " << " + std::to_string(low) : "") + ")";
                }
                v << "    wire [" << width - 1 << ":0] " << name << " = " << sum << ";\n";
                net = nets.emplace(std::make_pair(i, w), name).first;
            }
            body.terms[size_t(o)].push_back({ net->second, lo, hi });
        }
    util::TextStream h;
    h << "// LUT-NA: k = " << k << "-bit chunks, " << chunks << " lookups per product, " << nets.size()
      << " distinct (input, weight) products, " << functions.size() << " multiples tables\n";
    body.description = h.str();
    body.products = v.str();
    LayerEmission e;
    e.verilog = emitParallelLayer(layer, body);
    e.details
        = { { "chunkBits", k }, { "chunks", chunks }, { "products", nets.size() }, { "pipelineEvery", d.pipelineEvery },
              { "inputBits", BA }, { "accBits", d.accBits }, { "outputBits", d.outBits() }, { "raw", d.raw } };
    e.detailsKey = "dense";
    return e;
}

} // namespace luthier::rtl
