#include "ir/template_kind.h"

#include "util/enum_names.h"

#include <iterator>
#include <string>

namespace luthier::ir {

constexpr util::EnumName<TemplateKind> kTemplateNames[]
    = { { TemplateKind::Tlmac, "tlmac" }, { TemplateKind::Unrolled, "unrolled" },
          { TemplateKind::LutDense, "lutdense" }, { TemplateKind::ShiftAdd, "shiftadd" },
          { TemplateKind::LutNa, "lutna" }, { TemplateKind::Dsp, "dsp" }, { TemplateKind::AdderGraph, "addergraph" } };
static_assert(std::size(kTemplateNames) == std::size(kAllTemplates), "every template needs its name");

std::string_view toString(TemplateKind kind)
{
    return util::nameOf(kTemplateNames, kind);
}

std::optional<TemplateKind> templateFromString(std::string_view name)
{
    std::string key; // "lut-dense" and "lut_dense" name lutdense: the CLI documents the hyphenated forms
    for (char ch : name)
        if (ch != '-' && ch != '_') key += ch;
    return util::valueOf(kTemplateNames, key);
}

} // namespace luthier::ir
