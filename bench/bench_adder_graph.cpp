// da4ml's constant-matrix microbenchmark (its Table 2) for the adder-graph algorithm (arch/adder_graph): random
// N x N matrices with integer entries uniform in [129, 255], N = 2, 4, ..., 16, as many trials per N as fit in an
// equal share of the time budget; prints mean adders, mean adder depth and mean CPU time per N beside the
// figures da4ml publishes (no depth bound).
//   bench_adder_graph [seconds, default 60] [depth bound, default 0 = none]

#include "arch/adder_graph/graph.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <random>

using namespace luthier::arch::adder_graph;

namespace {

struct Published {
    double adders, depth, ms;
};

// da4ml (Sun et al., 2025), Table 2, no depth bound.
const std::map<int, Published> kDa4ml { { 4, { 29.2, 6.0, 0.3 } }, { 8, { 98.1, 9.3, 1.5 } },
    { 12, { 203.5, 11.7, 5.0 } }, { 16, { 343.2, 12.9, 13.6 } } };

double cpuMs()
{
    timespec t {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) * 1e-6;
}

} // namespace

int main(int argc, char** argv)
{
    const double budget = argc > 1 ? std::atof(argv[1]) : 60.0;
    const int bound = argc > 2 ? std::atoi(argv[2]) : 0;
    const double perN = budget / 8;
    std::mt19937_64 rng(2025);
    std::uniform_int_distribution<int64_t> weight(129, 255);
    std::printf(
        "bench_adder_graph: %.0f s budget, depth bound %s\n\n", budget, bound ? std::to_string(bound).c_str() : "none");
    std::printf(
        "|  N | trials | adders | depth | CPU ms | da4ml adders | da4ml depth | da4ml ms | adders vs da4ml |\n");
    std::printf(
        "|---:|-------:|-------:|------:|-------:|-------------:|------------:|---------:|----------------:|\n");
    for (int n = 2; n <= 16; n += 2) {
        int64_t trials = 0, adders = 0, depth = 0;
        double ms = 0;
        const auto start = std::chrono::steady_clock::now();
        while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < perN) {
            std::vector<int64_t> w(size_t(n * n));
            for (auto& e : w)
                e = weight(rng);
            const double t0 = cpuMs();
            const Graph g = build(w, n, n, 0, 255, { bound });
            ms += cpuMs() - t0;
            adders += g.adders();
            depth += g.depth();
            ++trials;
        }
        const double a = double(adders) / double(trials), d = double(depth) / double(trials), t = ms / double(trials);
        std::printf("| %2d | %6lld | %6.1f | %5.2f | %6.3f |", n, (long long)trials, a, d, t);
        if (const auto p = kDa4ml.find(n); p != kDa4ml.end())
            std::printf(" %12.1f | %11.1f | %8.1f | %+14.1f%% |\n", p->second.adders, p->second.depth, p->second.ms,
                100.0 * (a / p->second.adders - 1));
        else
            std::printf("            - |           - |        - |               - |\n");
    }
    return 0;
}
