#include "place/placer.h"

#include "place/heatmap.h"
#include "place/region_grid.h"
#include "util/error.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <tuple>

namespace luthier::place {

using device::Resources;
using device::TileRect;

namespace {

// xoshiro256**: fast, and the same sequence on every platform (std distributions are not).
class Rng {
public:
    explicit Rng(uint64_t seed)
    {
        for (uint64_t& s : m_s) {
            uint64_t z = (seed += 0x9E3779B97F4A7C15ULL);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
            s = z ^ (z >> 31);
        }
    }
    uint64_t next()
    {
        const uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }
    int below(int n) { return int((next() >> 11) % uint64_t(n)); }
    double unit() { return double(next() >> 11) * 0x1.0p-53; }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t m_s[4];
};

struct Box {
    int i0 = 0, i1 = 0, j0 = 0, j1 = 0;
    bool operator==(const Box&) const = default;
};

struct Proposal {
    int unit = -1, from = -1, to = -1, partner = -1; // partner moves to -> from (a swap), or -1
};

// Incremental wirelength and RUDY congestion over the cell grid. A net's bounding box is the union of
// its units' cells (cell indices), so its RUDY density is uniform over whole cells.
class Annealer {
public:
    Annealer(const RegionGrid& grid, const Netlist& netlist, double congestionWeight)
        : m_grid(grid)
        , m_netlist(netlist)
        , m_lambda(congestionWeight)
    {
        const size_t cells = grid.cells().size();
        m_netsOf.resize(netlist.units.size());
        for (size_t n = 0; n < netlist.nets.size(); ++n)
            for (int u : netlist.nets[n].units)
                m_netsOf[size_t(u)].push_back(int(n));
        m_area.resize(cells);
        for (size_t c = 0; c < cells; ++c)
            m_area[c] = double(grid.cell(int(c)).rect.area());
        m_cellStamp.assign(cells, 0);
        m_cellDelta.assign(cells, 0.0);
        m_netStamp.assign(netlist.nets.size(), 0);
        m_box.resize(netlist.nets.size());
        m_rho.resize(netlist.nets.size());
        m_hpwl.resize(netlist.nets.size());
    }

    // Rebuilds every derived quantity from cellOf (start, and against floating-point drift).
    void reset(const std::vector<int>& cellOf)
    {
        m_cellOf = cellOf;
        const size_t cells = m_grid.cells().size();
        m_unitsIn.assign(cells, {});
        m_slot.assign(m_cellOf.size(), 0);
        m_used.assign(cells, {});
        for (size_t u = 0; u < m_cellOf.size(); ++u)
            insert(int(u), m_cellOf[u]);
        m_density.assign(cells, 0.0);
        m_wirelength = 0;
        for (size_t n = 0; n < m_netlist.nets.size(); ++n) {
            m_box[n] = boxOf(int(n), {});
            m_hpwl[n] = hpwlOf(int(n), m_box[n]);
            m_rho[n] = rhoOf(int(n), m_box[n]);
            m_wirelength += m_hpwl[n];
            forCells(m_box[n], [&](int c) { m_density[size_t(c)] += m_rho[n]; });
        }
        m_congestion = 0;
        for (size_t c = 0; c < cells; ++c)
            m_congestion += m_area[c] * m_density[c] * m_density[c];
    }

    void setNormalisers(double wirelength0, double congestion0)
    {
        m_wl0 = wirelength0 > 0 ? wirelength0 : 1.0;
        m_c0 = congestion0 > 0 ? congestion0 : 1.0;
    }
    double cost() const { return m_wirelength / m_wl0 + m_lambda * m_congestion / m_c0; }
    double wirelength() const { return m_wirelength; }
    double congestion() const { return m_congestion; }
    double peakDensity() const { return *std::max_element(m_density.begin(), m_density.end()); }
    const std::vector<int>& cellOf() const { return m_cellOf; }

    // A random legal move or swap of a random unit within `range` cells, or unit = -1 when the attempt
    // found nothing legal.
    Proposal propose(Rng& rng, int range) const
    {
        Proposal p;
        const int u = rng.below(int(m_cellOf.size()));
        const UnitRegion& r = m_grid.region(u);
        const int from = m_cellOf[size_t(u)];
        const int ci = from % m_grid.columns(), cj = from / m_grid.columns();
        const int i0 = std::max(r.i0, ci - range), i1 = std::min(r.i1, ci + range);
        const int j0 = std::max(r.j0, cj - range), j1 = std::min(r.j1, cj + range);
        int to = -1;
        for (int attempt = 0; attempt < 4 && to < 0; ++attempt) {
            const int c = m_grid.cellIndex(i0 + rng.below(i1 - i0 + 1), j0 + rng.below(j1 - j0 + 1));
            if (c != from && m_grid.allowed(u, c)) to = c;
        }
        if (to < 0) return p;
        const Resources& du = m_grid.demand(u);
        if ((m_used[size_t(to)] + du).fitsIn(m_grid.cell(to).capacity)) {
            p.unit = u, p.from = from, p.to = to;
            return p;
        }
        const auto& occupants = m_unitsIn[size_t(to)];
        if (occupants.empty()) return p;
        const int v = occupants[size_t(rng.below(int(occupants.size())))];
        const Resources& dv = m_grid.demand(v);
        if (!m_grid.allowed(v, from) || !(m_used[size_t(from)] - du + dv).fitsIn(m_grid.cell(from).capacity)
            || !(m_used[size_t(to)] - dv + du).fitsIn(m_grid.cell(to).capacity))
            return p;
        p.unit = u, p.from = from, p.to = to, p.partner = v;
        return p;
    }

    // The cost change of `p`; the scratch state stays ready for commit().
    double delta(const Proposal& p)
    {
        ++m_stamp;
        m_affected.clear();
        for (int u : { p.unit, p.partner })
            if (u >= 0)
                for (int n : m_netsOf[size_t(u)])
                    if (m_netStamp[size_t(n)] != m_stamp) {
                        m_netStamp[size_t(n)] = m_stamp;
                        m_affected.push_back({ n, {}, 0, 0 });
                    }
        m_touched.clear();
        m_dWirelength = 0;
        for (Change& ch : m_affected) {
            const size_t n = size_t(ch.net);
            ch.box = boxOf(ch.net, p);
            if (ch.box == m_box[n]) {
                ch.hpwl = m_hpwl[n], ch.rho = m_rho[n];
                continue;
            }
            ch.hpwl = hpwlOf(ch.net, ch.box);
            ch.rho = rhoOf(ch.net, ch.box);
            m_dWirelength += ch.hpwl - m_hpwl[n];
            addDensity(m_box[n], -m_rho[n]);
            addDensity(ch.box, ch.rho);
        }
        m_dCongestion = 0;
        for (int c : m_touched) {
            const double d = m_density[size_t(c)], dd = m_cellDelta[size_t(c)];
            m_dCongestion += m_area[size_t(c)] * ((d + dd) * (d + dd) - d * d);
        }
        return m_dWirelength / m_wl0 + m_lambda * m_dCongestion / m_c0;
    }

    void commit(const Proposal& p)
    {
        for (const Change& ch : m_affected) {
            m_box[size_t(ch.net)] = ch.box;
            m_hpwl[size_t(ch.net)] = ch.hpwl;
            m_rho[size_t(ch.net)] = ch.rho;
        }
        for (int c : m_touched)
            m_density[size_t(c)] += m_cellDelta[size_t(c)];
        m_wirelength += m_dWirelength;
        m_congestion += m_dCongestion;
        remove(p.unit);
        if (p.partner >= 0) {
            remove(p.partner);
            insert(p.partner, p.from);
        }
        insert(p.unit, p.to);
    }

private:
    struct Change {
        int net;
        Box box;
        double hpwl, rho;
    };

    void insert(int u, int c)
    {
        m_cellOf[size_t(u)] = c;
        m_slot[size_t(u)] = int(m_unitsIn[size_t(c)].size());
        m_unitsIn[size_t(c)].push_back(u);
        m_used[size_t(c)] += m_grid.demand(u);
    }

    void remove(int u)
    {
        const int c = m_cellOf[size_t(u)];
        auto& list = m_unitsIn[size_t(c)];
        const int slot = m_slot[size_t(u)];
        list[size_t(slot)] = list.back();
        m_slot[size_t(list.back())] = slot;
        list.pop_back();
        m_used[size_t(c)] -= m_grid.demand(u);
    }

    int cellAfter(int u, const Proposal& p) const
    {
        if (u == p.unit) return p.to;
        if (u == p.partner) return p.from;
        return m_cellOf[size_t(u)];
    }

    Box boxOf(int n, const Proposal& p) const
    {
        const int cols = m_grid.columns();
        Box b { cols, -1, m_grid.rows(), -1 };
        for (int u : m_netlist.nets[size_t(n)].units) {
            const int c = cellAfter(u, p);
            const int i = c % cols, j = c / cols;
            b.i0 = std::min(b.i0, i), b.i1 = std::max(b.i1, i);
            b.j0 = std::min(b.j0, j), b.j1 = std::max(b.j1, j);
        }
        return b;
    }

    double hpwlOf(int n, const Box& b) const
    {
        return double(m_netlist.nets[size_t(n)].wires)
            * (m_grid.centerX(b.i1) - m_grid.centerX(b.i0) + m_grid.centerY(b.j1) - m_grid.centerY(b.j0));
    }

    double rhoOf(int n, const Box& b) const
    {
        const TileRect lo = m_grid.cell(m_grid.cellIndex(b.i0, b.j0)).rect;
        const TileRect hi = m_grid.cell(m_grid.cellIndex(b.i1, b.j1)).rect;
        const double w = hi.col1 - lo.col0 + 1, h = hi.row1 - lo.row0 + 1;
        return double(m_netlist.nets[size_t(n)].wires) * (w + h) / (w * h);
    }

    template <class F> void forCells(const Box& b, F&& f) const
    {
        for (int j = b.j0; j <= b.j1; ++j)
            for (int i = b.i0; i <= b.i1; ++i)
                f(m_grid.cellIndex(i, j));
    }

    void addDensity(const Box& b, double value)
    {
        forCells(b, [&](int c) {
            if (m_cellStamp[size_t(c)] != m_stamp) {
                m_cellStamp[size_t(c)] = m_stamp;
                m_cellDelta[size_t(c)] = 0;
                m_touched.push_back(c);
            }
            m_cellDelta[size_t(c)] += value;
        });
    }

    const RegionGrid& m_grid;
    const Netlist& m_netlist;
    double m_lambda;
    double m_wl0 = 1, m_c0 = 1;
    std::vector<std::vector<int>> m_netsOf;
    std::vector<double> m_area;
    // State.
    std::vector<int> m_cellOf, m_slot;
    std::vector<std::vector<int>> m_unitsIn;
    std::vector<Resources> m_used;
    std::vector<Box> m_box;
    std::vector<double> m_rho, m_hpwl, m_density;
    double m_wirelength = 0, m_congestion = 0;
    // Scratch of the last delta().
    uint64_t m_stamp = 0;
    std::vector<uint64_t> m_netStamp, m_cellStamp;
    std::vector<double> m_cellDelta;
    std::vector<int> m_touched;
    std::vector<Change> m_affected;
    double m_dWirelength = 0, m_dCongestion = 0;
};

// Nominal cell size: big enough for the largest unit (LUTs, and DSP/BRAM tiles stacked in one column),
// small enough to cut the device into about `targetCells` cells.
std::pair<int, int> binSize(const device::Device& device, const Netlist& netlist, int targetCells)
{
    Resources largest;
    for (const Unit& u : netlist.units) {
        largest.luts = std::max(largest.luts, u.demand.luts);
        largest.dsps = std::max(largest.dsps, u.demand.dsps);
        largest.brams = std::max(largest.brams, u.demand.brams);
    }
    const Resources total = device.totals();
    const double lutsPerTile = double(total.luts) / double(device.width() * device.height());
    const double cellLuts = std::max(2.5 * double(largest.luts), double(total.luts) / std::max(1, targetCells));
    const double tiles = cellLuts / lutsPerTile;
    int align = 1;
    for (const device::TileType& t : device.info().tileTypes)
        align = std::lcm(align, t.rows);
    const device::TileType& dsp = device.tileType(device::TileKind::Dsp);
    const device::TileType& bram = device.tileType(device::TileKind::Bram);
    int rows = std::max(align, int(std::lround(std::sqrt(tiles) / align)) * align);
    if (dsp.perTile.dsps > 0)
        rows = std::max(rows, int((largest.dsps + dsp.perTile.dsps - 1) / dsp.perTile.dsps) * dsp.rows);
    if (bram.perTile.brams > 0)
        rows = std::max(rows, int((largest.brams + bram.perTile.brams - 1) / bram.perTile.brams) * bram.rows);
    rows = std::min(rows, device.height());
    const int cols = std::clamp(int(std::ceil(tiles / rows)), 1, device.width());
    return { cols, rows };
}

// Layer order along a serpentine over the cell rows: consecutive layers land next to each other.
std::vector<int> initialPlacement(const RegionGrid& grid, const Netlist& netlist)
{
    std::vector<int> snake;
    for (int j = 0; j < grid.rows(); ++j)
        for (int k = 0; k < grid.columns(); ++k)
            snake.push_back(grid.cellIndex(j % 2 ? grid.columns() - 1 - k : k, j));
    std::vector<Resources> used(grid.cells().size());
    std::vector<int> cellOf(netlist.units.size(), -1);
    // Constrained units first, so free units do not take their room; within that, netlist order.
    std::vector<int> order(netlist.units.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        auto rank = [&](int u) { return grid.region(u).pblock >= 0 ? 0 : grid.region(u).slr >= 0 ? 1 : 2; };
        return rank(a) < rank(b);
    });
    // One cursor per (region, needs DSP/BRAM): memories jumping ahead to a BRAM column do not drag the
    // logic of their layer along.
    std::map<std::tuple<int, int, bool>, size_t> cursor;
    for (int u : order) {
        const Resources& d = grid.demand(u);
        size_t& start = cursor[{ grid.region(u).pblock, grid.region(u).slr, d.dsps > 0 || d.brams > 0 }];
        for (size_t k = 0; k < snake.size() && cellOf[size_t(u)] < 0; ++k) {
            const size_t at = (start + k) % snake.size();
            const int c = snake[at];
            if (grid.allowed(u, c) && (used[size_t(c)] + d).fitsIn(grid.cell(c).capacity)) {
                cellOf[size_t(u)] = c;
                used[size_t(c)] += d;
                start = at;
            }
        }
        if (cellOf[size_t(u)] < 0) {
            Resources region, taken;
            int64_t roomiest = 0;
            for (size_t c = 0; c < grid.cells().size(); ++c)
                if (grid.allowed(u, int(c))) {
                    region += grid.cell(int(c)).capacity;
                    taken += used[c];
                    roomiest = std::max(roomiest, grid.cell(int(c)).capacity.luts - used[c].luts);
                }
            throw Error("cannot fit unit '" + netlist.units[size_t(u)].name + "' (" + device::toString(d) + ") into "
                + grid.describeRegion(u) + ": the region holds " + device::toString(region)
                + ", units placed there use " + device::toString(taken) + ", and the roomiest cell left has "
                + device::withThousands(roomiest)
                + " LUT free; enlarge the region or build the netlist with smaller units");
        }
    }
    return cellOf;
}

} // namespace

Placement place(const device::Device& device, const Netlist& netlist, const Constraints& constraints,
    const PlaceOptions& options, Progress& progress)
{
    const auto started = std::chrono::steady_clock::now();
    netlist.validate();
    if (netlist.units.empty()) throw Error("nothing to place: the design has no units");
    if (!(options.effort > 0) || !(options.congestionWeight >= 0))
        throw Error("placement effort must be positive and the congestion weight non-negative");
    const auto [binCols, binRows] = binSize(device, netlist, options.targetCells);
    const RegionGrid grid(device, netlist, constraints, binCols, binRows);
    progress.report(0.0, "initial placement");

    Placement result;
    result.part = device.part();
    result.width = device.width();
    result.height = device.height();
    result.seed = options.seed;
    result.effort = options.effort;
    result.congestionWeight = options.congestionWeight;
    for (const Cell& c : grid.cells())
        result.cells.push_back(c.rect);
    for (size_t u = 0; u < netlist.units.size(); ++u)
        result.unitDemand.push_back(grid.demand(int(u)));

    Annealer annealer(grid, netlist, options.congestionWeight);
    annealer.reset(initialPlacement(grid, netlist));
    annealer.setNormalisers(annealer.wirelength(), annealer.congestion());
    result.wirelength0 = annealer.wirelength() > 0 ? annealer.wirelength() : 1.0;
    result.congestion0 = annealer.congestion() > 0 ? annealer.congestion() : 1.0;
    result.initial = { annealer.wirelength(), annealer.congestion(), annealer.peakDensity(), annealer.cost() };

    std::vector<int> best = annealer.cellOf();
    double bestCost = annealer.cost();
    if (options.anneal && netlist.units.size() > 1) {
        Rng rng(options.seed);
        const double n = double(netlist.units.size());
        const int64_t movesPerTemperature = std::max<int64_t>(100, int64_t(options.effort * std::pow(n, 4.0 / 3.0)));
        // Initial temperature: the spread of the cost change of random moves (evaluated, not made).
        double sum = 0, sumSq = 0;
        int samples = 0;
        const int maxRange = std::max(grid.columns(), grid.rows());
        for (int k = 0; k < 4 * int(std::min<int64_t>(movesPerTemperature, 1000)); ++k) {
            const Proposal p = annealer.propose(rng, maxRange);
            if (p.unit < 0) continue;
            const double d = annealer.delta(p);
            sum += d, sumSq += d * d, ++samples;
        }
        const double sigma
            = samples > 1 ? std::sqrt(std::max(0.0, sumSq / samples - (sum / samples) * (sum / samples))) : 0;
        double temperature = sigma;
        const double stopTemperature = 0.005 * annealer.cost() / double(std::max<size_t>(1, netlist.nets.size()));
        double range = maxRange;
        const double span = std::log(std::max(temperature, stopTemperature * 1.0001) / stopTemperature);
        for (int t = 0; t < 1000 && temperature > stopTemperature; ++t) {
            int64_t tried = 0, accepted = 0;
            for (int64_t k = 0; k < movesPerTemperature; ++k) {
                const Proposal p = annealer.propose(rng, std::max(1, int(range)));
                if (p.unit < 0) continue;
                ++tried;
                const double d = annealer.delta(p);
                if (d <= 0 || rng.unit() < std::exp(-d / temperature)) {
                    annealer.commit(p);
                    ++accepted;
                }
            }
            result.moves += tried;
            result.accepted += accepted;
            ++result.temperatures;
            annealer.reset(annealer.cellOf()); // drop floating-point drift of the incremental sums
            if (annealer.cost() < bestCost) {
                bestCost = annealer.cost();
                best = annealer.cellOf();
            }
            const double rate = tried ? double(accepted) / double(tried) : 0.0;
            temperature *= rate > 0.96 ? 0.5 : rate > 0.8 ? 0.9 : rate > 0.15 ? 0.95 : 0.8;
            range = std::clamp(range * (1.0 - 0.44 + rate), 1.0, double(maxRange));
            const double done
                = span > 0 ? 1.0 - std::log(std::max(temperature, stopTemperature) / stopTemperature) / span : 1.0;
            progress.report(std::clamp(done, 0.0, 0.99),
                "annealing: cost " + std::to_string(annealer.cost()) + ", acceptance " + std::to_string(rate));
            progress.checkpoint();
        }
        // Quench: only improving moves, within the smallest range.
        for (int64_t k = 0; k < movesPerTemperature; ++k) {
            const Proposal p = annealer.propose(rng, 1);
            if (p.unit < 0) continue;
            ++result.moves;
            if (annealer.delta(p) < 0) {
                annealer.commit(p);
                ++result.accepted;
            }
        }
        annealer.reset(annealer.cellOf());
        if (annealer.cost() < bestCost) {
            bestCost = annealer.cost();
            best = annealer.cellOf();
        }
    }
    annealer.reset(best);
    result.unitCell = best;
    result.final = { annealer.wirelength(), annealer.congestion(), annealer.peakDensity(), annealer.cost() };
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    progress.report(1.0, "placed");
    return result;
}

PlaceMetrics evaluate(const Netlist& netlist, const Placement& placement)
{
    PlaceMetrics m;
    for (const Net& net : netlist.nets) {
        double x0 = 1e30, x1 = -1e30, y0 = 1e30, y1 = -1e30;
        for (int u : net.units) {
            const TileRect& r = placement.unitRect(u);
            const double cx = 0.5 * (r.col0 + r.col1), cy = 0.5 * (r.row0 + r.row1);
            x0 = std::min(x0, cx), x1 = std::max(x1, cx), y0 = std::min(y0, cy), y1 = std::max(y1, cy);
        }
        m.wirelength += double(net.wires) * (x1 - x0 + y1 - y0);
    }
    const Heatmap rudy = wireDemand(netlist, placement);
    for (double v : rudy.values)
        m.congestion += v * v;
    m.peakWireDemand = rudy.max();
    m.cost = m.wirelength / placement.wirelength0 + placement.congestionWeight * m.congestion / placement.congestion0;
    return m;
}

std::vector<TileRect> layerBounds(const Netlist& netlist, const Placement& placement)
{
    std::vector<TileRect> bounds(netlist.layers.size(), { -1, -1, -1, -1 });
    for (size_t u = 0; u < netlist.units.size(); ++u) {
        TileRect& b = bounds[size_t(netlist.units[u].layer)];
        b = b.col0 < 0 ? placement.unitRect(int(u)) : b.unite(placement.unitRect(int(u)));
    }
    return bounds;
}

} // namespace luthier::place
