#include "arch/template_kind.h"

namespace luthier::arch {

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
    }
    return "?";
}

std::optional<TemplateKind> templateFromString(std::string_view name)
{
    for (TemplateKind kind : kAllTemplates)
        if (toString(kind) == name)
            return kind;
    return std::nullopt;
}

} // namespace luthier::arch
