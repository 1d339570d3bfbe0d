#include "arch/adder_graph/graph.h"

#include "arch/adder_graph/csd.h"
#include "util/error.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <map>
#include <queue>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace luthier::arch::adder_graph {

namespace {

// sign * (node << shift): one summand of an output still to be added.
struct Term {
    int32_t node = 0;
    int shift = 0;
    int sign = 1;
};

// A two-term pattern up to a common shift and sign: first + sign * second with the two shifts `ds` apart, first
// the lower node (or, for one node twice, the lower shift). Packed into 64 bits: nodes 24 bits each.
constexpr int kNodeBits = 24;
constexpr int kShiftBias = 64;

uint64_t patternKey(int32_t a, int32_t b, int ds, int sign)
{
    return uint64_t(a) << (kNodeBits + 9) | uint64_t(b) << 9 | uint64_t(ds + kShiftBias) << 1 | uint64_t(sign < 0);
}

struct Pattern {
    int32_t a = 0, b = 0;
    int ds = 0, sign = 1;
};

Pattern unpack(uint64_t key)
{
    const uint64_t mask = (uint64_t(1) << kNodeBits) - 1;
    return { int32_t(key >> (kNodeBits + 9) & mask), int32_t(key >> 9 & mask), int((key >> 1) & 255) - kShiftBias,
        (key & 1) ? -1 : 1 };
}

// The pattern two terms of one row form, with the first term (by pattern order) in `first`; nullopt for the same
// node at the same shift (2x or 0, never worth a node).
std::optional<uint64_t> pairKey(const Term& t, const Term& u)
{
    const bool tFirst = t.node < u.node || (t.node == u.node && t.shift < u.shift);
    const Term& f = tFirst ? t : u;
    const Term& s = tFirst ? u : t;
    if (f.node == s.node && f.shift == s.shift) return std::nullopt;
    return patternKey(f.node, s.node, s.shift - f.shift, f.sign * s.sign);
}

// The least depth of a tree adding terms ready at the given depths: the least D with sum 2^d <= 2^D (Kraft);
// adding the two shallowest first reaches it.
int treeDepth(const std::vector<int>& depths)
{
    if (depths.empty()) return 0;
    const int top = *std::max_element(depths.begin(), depths.end());
    // Scaled by 2^-(top - 40) so deep nodes do not overflow; shallower terms than top - 40 weigh nothing there,
    // which can only matter beyond 2^40 terms.
    uint64_t sum = 0;
    for (int d : depths)
        sum += d + 40 >= top ? uint64_t(1) << (d + 40 - top) : 0;
    int D = top;
    while ((uint64_t(1) << (D + 40 - top)) < sum)
        ++D;
    return D;
}

// Signed digits of w (csd(w).size()): the non-adjacent form has a digit wherever w and 3w differ above bit 0.
int digitCount(int64_t w)
{
    const uint64_t m = uint64_t(w < 0 ? -w : w);
    return std::popcount(m ^ (3 * m));
}

// da4ml's first stage: column c is written as column p plus a difference (y = sum_c col_c x_c = sum_c d_c X_c with
// d_c = col_c - col_p and X_c the sum of x over c's subtree), when the difference's digits plus the adder for X
// cost less than the column's own digits. The parents form a minimum spanning tree (Prim) over the columns and a
// virtual zero column (-1), edge cost the digits of the difference (+1 for the adder between real columns).
std::vector<int32_t> columnTree(const std::vector<int64_t>& w, int64_t rows, int64_t cols)
{
    const auto cost = [&](int64_t c, int64_t p) {
        int64_t digits = p >= 0 ? 1 : 0;
        for (int64_t r = 0; r < rows; ++r)
            digits += digitCount(w[size_t(r * cols + c)] - (p >= 0 ? w[size_t(r * cols + p)] : 0));
        return digits;
    };
    std::vector<int32_t> parent(static_cast<size_t>(cols), -1);
    std::vector<int64_t> best(static_cast<size_t>(cols));
    std::vector<bool> inTree(static_cast<size_t>(cols), false);
    for (int64_t c = 0; c < cols; ++c)
        best[size_t(c)] = cost(c, -1);
    for (int64_t added = 0; added < cols; ++added) {
        int64_t next = -1;
        for (int64_t c = 0; c < cols; ++c)
            if (!inTree[size_t(c)] && (next < 0 || best[size_t(c)] < best[size_t(next)])) next = c;
        inTree[size_t(next)] = true;
        for (int64_t c = 0; c < cols; ++c)
            if (!inTree[size_t(c)])
                if (const int64_t via = cost(c, next); via < best[size_t(c)])
                    best[size_t(c)] = via, parent[size_t(c)] = int32_t(next);
    }
    return parent;
}

class Builder {
public:
    Builder(int64_t inputs, int64_t lo, int64_t hi)
    {
        graph_.inputs = inputs;
        graph_.nodes.resize(size_t(inputs));
        for (Node& n : graph_.nodes)
            n.lo = lo, n.hi = hi;
    }

    // The node (a + b), interned: equal adders are one node.
    int32_t adder(Operand a, Operand b)
    {
        if (b.negative == false && (a.negative || std::tie(b.node, b.shift) < std::tie(a.node, a.shift)))
            std::swap(a, b);
        const auto [it, added] = interned_.emplace(std::make_pair(a, b), int32_t(graph_.nodes.size()));
        if (!added) return it->second;
        if (graph_.nodes.size() >= (size_t(1) << kNodeBits)) throw Error("adder graph: more than 2^24 nodes");
        Node n { a, b, 1 + std::max(graph_.nodes[size_t(a.node)].depth, graph_.nodes[size_t(b.node)].depth), 0, 0 };
        const auto [alo, ahi] = graph_.range(a);
        const auto [blo, bhi] = graph_.range(b);
        n.lo = alo + blo, n.hi = ahi + bhi;
        graph_.nodes.push_back(n);
        return it->second;
    }

    // t + u as one term over a new (or interned) adder.
    Term combine(const Term& t, const Term& u)
    {
        const int base = std::min(t.shift, u.shift);
        Operand a { t.node, t.shift - base, t.sign < 0 }, b { u.node, u.shift - base, u.sign < 0 };
        int sign = 1;
        if (a.negative && b.negative) // -(a' + b'): the node adds, the term carries the sign
            a.negative = b.negative = false, sign = -1;
        return { adder(a, b), base, sign };
    }

    int depth(int32_t node) const { return graph_.nodes[size_t(node)].depth; }
    Graph& graph() { return graph_; }

private:
    Graph graph_;
    std::map<std::pair<Operand, Operand>, int32_t> interned_;
};

// Greedy common-subexpression elimination over all rows (the terms of each output).
class Eliminator {
public:
    Eliminator(Builder& builder, std::vector<std::vector<Term>>& rows, int maxDepth)
        : builder_(builder)
        , rows_(rows)
        , maxDepth_(maxDepth)
    {
        for (const auto& row : rows_)
            for (size_t i = 0; i < row.size(); ++i)
                for (size_t j = i + 1; j < row.size(); ++j)
                    if (const auto key = pairKey(row[i], row[j])) ++counts_[*key];
        for (const auto& [key, count] : counts_)
            if (count >= 2) push(key, count);
    }

    void run()
    {
        while (!heap_.empty()) {
            const auto [count, depth, shift, stored] = heap_.top();
            heap_.pop();
            const uint64_t key = ~stored;
            const auto it = counts_.find(key);
            const int current = it == counts_.end() ? 0 : it->second;
            if (banned_.count(key) || current < 2) continue;
            if (current != count) { // stale: re-enter at the current count
                push(key, current);
                continue;
            }
            apply(key);
            if (const auto now = counts_.find(key); now != counts_.end() && now->second >= 2 && !banned_.count(key))
                push(key, now->second);
        }
    }

private:
    // count, -depth, -|shift|, ~key: the most frequent pattern first, then the shallowest node, then the nearest
    // shifts; the key breaks the remaining ties reproducibly.
    using Entry = std::tuple<int, int, int, uint64_t>;

    int nodeDepth(const Pattern& p) const { return 1 + std::max(builder_.depth(p.a), builder_.depth(p.b)); }

    void push(uint64_t key, int count)
    {
        const Pattern p = unpack(key);
        heap_.emplace(count, -nodeDepth(p), -std::abs(p.ds), ~key);
    }

    void count(const Term& t, const Term& u, int delta)
    {
        if (const auto key = pairKey(t, u)) {
            int& c = counts_[*key];
            c += delta;
            if (delta > 0 && c >= 2) push(*key, c);
        }
    }

    void remove(std::vector<Term>& row, size_t index)
    {
        const Term t = row[index];
        row[index] = row.back();
        row.pop_back();
        for (const Term& u : row)
            count(t, u, -1);
    }

    void add(std::vector<Term>& row, const Term& t)
    {
        for (const Term& u : row)
            count(t, u, +1);
        row.push_back(t);
    }

    // Replaces the pattern's occurrences in every row by one shared node (rows where that would break the depth
    // bound keep their terms); a pattern no row can take is banned.
    void apply(uint64_t key)
    {
        const Pattern p = unpack(key);
        const int depth = nodeDepth(p);
        if (maxDepth_ > 0 && depth > maxDepth_) {
            banned_.insert(key);
            return;
        }
        const Operand a { p.a, p.ds < 0 ? -p.ds : 0, false }, b { p.b, p.ds > 0 ? p.ds : 0, p.sign < 0 };
        int32_t node = -1;
        for (auto& row : rows_) {
            // Occurrences, lowest shift first (one node twice: x + (x << 2) in x, x << 2, x << 4 takes the first two).
            std::vector<size_t> firsts;
            for (size_t i = 0; i < row.size(); ++i)
                if (row[i].node == p.a) firsts.push_back(i);
            if (firsts.empty()) continue;
            std::sort(firsts.begin(), firsts.end(), [&](size_t i, size_t j) { return row[i].shift < row[j].shift; });
            std::vector<bool> used(row.size(), false);
            std::vector<std::pair<size_t, size_t>> pairs;
            for (size_t i : firsts) {
                if (used[i]) continue;
                for (size_t j = 0; j < row.size(); ++j)
                    if (j != i && !used[j] && row[j].node == p.b && row[j].shift == row[i].shift + p.ds
                        && row[j].sign == row[i].sign * p.sign) {
                        used[i] = used[j] = true;
                        pairs.emplace_back(i, j);
                        break;
                    }
            }
            if (pairs.empty()) continue;
            if (maxDepth_ > 0) {
                std::vector<int> depths;
                for (size_t i = 0; i < row.size(); ++i)
                    if (!used[i]) depths.push_back(builder_.depth(row[i].node));
                depths.insert(depths.end(), pairs.size(), depth);
                if (treeDepth(depths) > maxDepth_) continue;
            }
            if (node < 0) node = builder_.adder(a, b);
            std::vector<Term> added;
            for (const auto& [i, j] : pairs)
                added.push_back({ node, std::min(row[i].shift, row[j].shift), row[i].sign });
            std::vector<size_t> gone;
            for (size_t i = 0; i < row.size(); ++i)
                if (used[i]) gone.push_back(i);
            for (auto g = gone.rbegin(); g != gone.rend(); ++g) // descending: swap-removal keeps lower indices
                remove(row, *g);
            for (const Term& t : added)
                add(row, t);
        }
        if (node < 0) banned_.insert(key);
    }

    Builder& builder_;
    std::vector<std::vector<Term>>& rows_;
    int maxDepth_;
    std::unordered_map<uint64_t, int> counts_;
    std::unordered_set<uint64_t> banned_;
    std::priority_queue<Entry> heap_;
};

} // namespace

int Graph::depth() const
{
    int d = 0;
    for (const auto& o : outputs)
        if (o) d = std::max(d, nodes[size_t(o->node)].depth);
    return d;
}

std::pair<int64_t, int64_t> Graph::range(const Operand& o) const
{
    const Node& n = nodes[size_t(o.node)];
    const int64_t scale = int64_t(1) << o.shift;
    return o.negative ? std::make_pair(-n.hi * scale, -n.lo * scale) : std::make_pair(n.lo * scale, n.hi * scale);
}

std::vector<int64_t> Graph::evaluate(const std::vector<int64_t>& x) const
{
    if (int64_t(x.size()) != inputs)
        throw Error(
            "adder graph: " + std::to_string(x.size()) + " input values for " + std::to_string(inputs) + " inputs");
    std::vector<int64_t> v(nodes.size());
    std::copy(x.begin(), x.end(), v.begin());
    const auto value
        = [&](const Operand& o) { return (o.negative ? -1 : 1) * v[size_t(o.node)] * (int64_t(1) << o.shift); };
    for (size_t n = size_t(inputs); n < nodes.size(); ++n)
        v[n] = value(nodes[n].a) + value(nodes[n].b);
    std::vector<int64_t> y;
    for (const auto& o : outputs)
        y.push_back(o ? value(*o) : 0);
    return y;
}

int minimumDepth(const std::vector<int64_t>& weights, int64_t rows, int64_t cols)
{
    int depth = 0;
    for (int64_t r = 0; r < rows; ++r) {
        int64_t digits = 0;
        for (int64_t c = 0; c < cols; ++c)
            digits += int64_t(csd(weights[size_t(r * cols + c)]).size());
        std::vector<int> zeros(size_t(digits), 0);
        depth = std::max(depth, treeDepth(zeros));
    }
    return depth;
}

Graph build(const std::vector<int64_t>& weights, int64_t rows, int64_t cols, int64_t inputLo, int64_t inputHi,
    const Options& options)
{
    if (rows < 0 || cols < 0 || int64_t(weights.size()) != rows * cols)
        throw Error("adder graph: " + std::to_string(weights.size()) + " weights for a " + std::to_string(rows) + " x "
            + std::to_string(cols) + " matrix");
    if (cols >= (int64_t(1) << kNodeBits) || inputLo > inputHi) throw Error("adder graph: bad input count or range");
    for (int64_t w : weights)
        if (w <= -(int64_t(1) << 30) || w >= (int64_t(1) << 30))
            throw Error("adder graph: weight " + std::to_string(w) + " is not below 2^30 in magnitude");
    Builder builder(cols, inputLo, inputHi);
    const int maxDepth = options.maxDepth > 0 ? std::max(options.maxDepth, minimumDepth(weights, rows, cols)) : 0;
    // Without a depth bound, similar columns are first rewritten as differences (columnTree); the chains of
    // subtree sums that makes would break a bound.
    std::vector<int32_t> parent(static_cast<size_t>(cols), -1);
    if (maxDepth == 0) parent = columnTree(weights, rows, cols);
    // X_i, the sum of x over column i's subtree, children first (a child's index can be above its parent's).
    std::vector<std::vector<int32_t>> children(static_cast<size_t>(cols));
    for (int64_t c = 0; c < cols; ++c)
        if (parent[size_t(c)] >= 0) children[size_t(parent[size_t(c)])].push_back(int32_t(c));
    std::vector<int32_t> subtree(static_cast<size_t>(cols), -1);
    const std::function<int32_t(int32_t)> sumOf = [&](int32_t c) {
        std::vector<Term> parts { { c, 0, 1 } };
        for (int32_t child : children[size_t(c)])
            parts.push_back({ sumOf(child), 0, 1 });
        while (parts.size() > 1) {
            std::sort(parts.begin(), parts.end(), [&](const Term& t, const Term& u) {
                return std::make_pair(builder.depth(t.node), t.node) < std::make_pair(builder.depth(u.node), u.node);
            });
            const Term sum = builder.combine(parts[0], parts[1]);
            parts.erase(parts.begin(), parts.begin() + 2);
            parts.push_back(sum);
        }
        return subtree[size_t(c)] = parts[0].node;
    };
    for (int64_t c = 0; c < cols; ++c)
        if (parent[size_t(c)] < 0) sumOf(int32_t(c));
    std::vector<std::vector<Term>> terms(static_cast<size_t>(rows));
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c) {
            const int64_t p = parent[size_t(c)];
            const int64_t d = weights[size_t(r * cols + c)] - (p >= 0 ? weights[size_t(r * cols + p)] : 0);
            for (const Digit& digit : csd(d))
                terms[size_t(r)].push_back({ subtree[size_t(c)], digit.shift, digit.sign });
        }
    Eliminator(builder, terms, maxDepth).run();

    // What is left of each row: add the two shallowest terms until one remains (the least depth, treeDepth).
    Graph& g = builder.graph();
    for (auto& row : terms) {
        while (row.size() > 1) {
            std::sort(row.begin(), row.end(), [&](const Term& t, const Term& u) {
                return std::make_tuple(builder.depth(t.node), t.node, t.shift)
                    < std::make_tuple(builder.depth(u.node), u.node, u.shift);
            });
            const Term sum = builder.combine(row[0], row[1]);
            row.erase(row.begin(), row.begin() + 2);
            row.push_back(sum);
        }
        g.outputs.push_back(row.empty()
                ? std::nullopt
                : std::optional<Operand>(Operand { row[0].node, row[0].shift, row[0].sign < 0 }));
    }
    return std::move(g);
}

} // namespace luthier::arch::adder_graph
