#include "pareto_svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace luthier::sweep {

namespace {

constexpr double kWidth = 760, kHeight = 480, kLeft = 80, kRight = 170, kTop = 50, kBottom = 60;
// Okabe-Ito, readable by colour-blind readers (the workbench's statistics charts use the same palette).
const char* const kPalette[]
    = { "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000" };

std::string num(double v)
{
    char b[32];
    std::snprintf(b, sizeof b, "%.1f", v);
    return b;
}

std::string escape(const std::string& s)
{
    std::string e;
    for (char c : s)
        e += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
    return e;
}

// Later templates get smaller dots, so points of different templates with the same numbers (LUT-NA equals
// LUT-Dense when the activations fit one chunk) show as concentric rings instead of hiding each other.
double radius(size_t templateIndex)
{
    return std::max(2.5, 7.0 - 1.3 * double(templateIndex));
}

// Appends the pieces one by one (no temporary strings for the whole element).
void add(std::string& svg, std::initializer_list<std::string_view> pieces)
{
    for (std::string_view piece : pieces)
        svg += piece;
}

struct Dot {
    double lut, accuracy;
    const ReportRow* row;
};

} // namespace

std::string paretoSvg(const Report& report)
{
    std::vector<Dot> dots;
    std::vector<std::string> templates;
    for (const ReportRow& r : report.rows) {
        if (!r.lut || !r.intAccuracy || *r.lut <= 0) continue;
        dots.push_back({ double(*r.lut), 100 * *r.intAccuracy, &r });
        const std::string t = r.axes.at("template").get<std::string>();
        if (std::find(templates.begin(), templates.end(), t) == templates.end()) templates.push_back(t);
    }
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(kWidth) + "\" height=\"" + num(kHeight)
        + "\" viewBox=\"0 0 " + num(kWidth) + " " + num(kHeight)
        + "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    svg += "<text x=\"" + num(kLeft) + "\" y=\"28\" font-size=\"15\">" + escape(report.model)
        + ": top-1 accuracy vs estimated LUTs (" + std::to_string(dots.size()) + " points)</text>\n";
    if (dots.empty())
        return svg + "<text x=\"80\" y=\"240\">no point has both an accuracy and a LUT count</text>\n</svg>\n";

    // x: LUTs on a log scale (templates differ by orders of magnitude); y: accuracy, padded to whole percents.
    double x0 = dots[0].lut, x1 = x0, y0 = dots[0].accuracy, y1 = y0;
    for (const Dot& d : dots) {
        x0 = std::min(x0, d.lut), x1 = std::max(x1, d.lut);
        y0 = std::min(y0, d.accuracy), y1 = std::max(y1, d.accuracy);
    }
    const double lx0 = std::log10(x0) - 0.1, lx1 = std::max(lx0 + 1, std::log10(x1) + 0.1);
    y0 = std::floor(y0) - 1, y1 = std::min(100.0, std::ceil(y1) + 1);
    const double plotW = kWidth - kLeft - kRight, plotH = kHeight - kTop - kBottom;
    const auto X = [&](double lut) { return kLeft + (std::log10(lut) - lx0) / (lx1 - lx0) * plotW; };
    const auto Y = [&](double acc) { return kTop + (y1 - acc) / (y1 - y0) * plotH; };

    svg += "<rect x=\"" + num(kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" + num(plotW) + "\" height=\"" + num(plotH)
        + "\" fill=\"none\" stroke=\"#444\"/>\n";
    for (double e = std::floor(lx0); e <= lx1; ++e)
        for (double m : { 1.0, 2.0, 5.0 }) {
            const double v = m * std::pow(10.0, e);
            if (std::log10(v) < lx0 || std::log10(v) > lx1) continue;
            const std::string x = num(X(v));
            add(svg,
                { "<line x1=\"", x, "\" y1=\"", num(kTop), "\" x2=\"", x, "\" y2=\"", num(kTop + plotH),
                    "\" stroke=\"#ddd\"/>\n<text x=\"", x, "\" y=\"", num(kTop + plotH + 16),
                    "\" text-anchor=\"middle\">", std::to_string((long long)std::llround(v)), "</text>\n" });
        }
    const double yStep = y1 - y0 > 10 ? 5 : 1;
    for (double v = y0; v <= y1 + 1e-9; v += yStep) {
        const std::string y = num(Y(v));
        add(svg,
            { "<line x1=\"", num(kLeft), "\" y1=\"", y, "\" x2=\"", num(kLeft + plotW), "\" y2=\"", y,
                "\" stroke=\"#ddd\"/>\n<text x=\"", num(kLeft - 6), "\" y=\"", num(Y(v) + 4), "\" text-anchor=\"end\">",
                num(v), "</text>\n" });
    }
    svg += "<text x=\"" + num(kLeft + plotW / 2) + "\" y=\"" + num(kHeight - 18)
        + "\" text-anchor=\"middle\">LUTs, compiler estimate of the whole model (log scale)</text>\n";
    svg += "<text transform=\"translate(22 " + num(kTop + plotH / 2)
        + ") rotate(-90)\" text-anchor=\"middle\">top-1 accuracy, integer model (%)</text>\n";

    // The front as a staircase: from each front point right to the next one's LUTs, then up to its accuracy.
    std::vector<Dot> front;
    for (const Dot& d : dots)
        if (d.row->frontLut) front.push_back(d);
    std::sort(front.begin(), front.end(), [](const Dot& a, const Dot& b) { return a.lut < b.lut; });
    if (!front.empty()) {
        std::string path = "M" + num(X(front[0].lut)) + " " + num(Y(front[0].accuracy));
        for (size_t i = 1; i < front.size(); ++i)
            path += " H" + num(X(front[i].lut)) + " V" + num(Y(front[i].accuracy));
        svg += "<path d=\"" + path
            + "\" fill=\"none\" stroke=\"#333\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>\n";
    }
    for (const Dot& d : dots) {
        const std::string t = d.row->axes.at("template").get<std::string>();
        const size_t c = size_t(std::find(templates.begin(), templates.end(), t) - templates.begin());
        svg += "<circle cx=\"" + num(X(d.lut)) + "\" cy=\"" + num(Y(d.accuracy)) + "\" r=\"" + num(radius(c))
            + "\" fill=\"" + kPalette[c % std::size(kPalette)] + "\""
            + (d.row->frontLut ? " stroke=\"black\" stroke-width=\"1.5\"" : "") + "><title>" + escape(d.row->name)
            + "</title></circle>\n";
    }
    for (const Dot& d : front)
        svg += "<text x=\"" + num(X(d.lut) + 8) + "\" y=\"" + num(Y(d.accuracy) - 8) + "\" font-size=\"10\">"
            + escape(d.row->name) + "</text>\n";
    double ly = kTop + 10;
    for (size_t i = 0; i < templates.size(); ++i, ly += 20)
        svg += "<circle cx=\"" + num(kWidth - kRight + 20) + "\" cy=\"" + num(ly) + "\" r=\"" + num(radius(i))
            + "\" fill=\"" + kPalette[i % std::size(kPalette)] + "\"/><text x=\"" + num(kWidth - kRight + 32)
            + "\" y=\"" + num(ly + 4) + "\">" + escape(templates[i]) + "</text>\n";
    svg += "<text x=\"" + num(kWidth - kRight + 14) + "\" y=\"" + num(ly + 10)
        + "\" font-size=\"10\">outlined + dashed:</text><text x=\"" + num(kWidth - kRight + 14) + "\" y=\""
        + num(ly + 24) + "\" font-size=\"10\">Pareto front</text>\n";
    return svg + "</svg>\n";
}

} // namespace luthier::sweep
