#include "ir/template_kind.h"

#include <string>

namespace luthier::ir {

std::string_view toString(TemplateKind kind)
{
    switch (kind) {
    case TemplateKind::Tlmac:
        return "tlmac";
    case TemplateKind::Unrolled:
        return "unrolled";
    case TemplateKind::LutDense:
        return "lutdense";
    case TemplateKind::ShiftAdd:
        return "shiftadd";
    case TemplateKind::LutNa:
        return "lutna";
    case TemplateKind::Dsp:
        return "dsp";
    case TemplateKind::AdderGraph:
        return "addergraph";
    }
    return "?";
}

std::optional<TemplateKind> templateFromString(std::string_view name)
{
    std::string key; // "lut-dense" and "lut_dense" name lutdense: the CLI documents the hyphenated forms
    for (char ch : name)
        if (ch != '-' && ch != '_')
            key += ch;
    for (TemplateKind kind : kAllTemplates)
        if (toString(kind) == key)
            return kind;
    return std::nullopt;
}

} // namespace luthier::ir
