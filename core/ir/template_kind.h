#pragma once
// The hardware templates a layer can be mapped to (DESIGN.md section 5).

#include <optional>
#include <string>
#include <string_view>

namespace luthier::ir {

enum class TemplateKind {
    Tlmac, // folded, bit-serial lookup arrays shared by clustered steps (the main template)
    Unrolled, // every product materialised, one inference per clock
    LutDense, // HGQ-LUT per-(input, output) tables
    ShiftAdd, // n-BQ-NN power-of-two weights
    LutNa, // divide-and-conquer chunk lookups
    Dsp, // conventional DSP multiply-accumulate baseline
    AdderGraph, // constant matrix as shift-add graph with shared subexpressions (da4ml), one inference per clock
};

inline constexpr TemplateKind kAllTemplates[] = { TemplateKind::Tlmac, TemplateKind::Unrolled, TemplateKind::LutDense,
    TemplateKind::ShiftAdd, TemplateKind::LutNa, TemplateKind::Dsp, TemplateKind::AdderGraph };

std::string_view toString(
    TemplateKind kind); // "tlmac", "unrolled", "lutdense", "shiftadd", "lutna", "dsp", "addergraph"
std::optional<TemplateKind> templateFromString(std::string_view name); // ignores '-' and '_'

} // namespace luthier::ir
