#include "arch/template_choice.h"

#include "util/error.h"

#include <optional>
#include <vector>

namespace luthier::arch {

namespace {

std::string joined(const std::vector<std::string>& items)
{
    std::string text;
    for (const std::string& item : items)
        text += (text.empty() ? "" : ", ") + item;
    return text;
}

bool cheaper(const HwLayer& a, const HwLayer& b)
{
    return a.estimate.lut < b.estimate.lut || (a.estimate.lut == b.estimate.lut && a.estimate.ff < b.estimate.ff);
}

// The templates auto chooses among: every template built from LUTs alone (the DSP template trades LUTs for DSP
// slices, which one LUT count cannot compare).
bool autoCandidate(ir::TemplateKind kind)
{
    return kind != ir::TemplateKind::Dsp;
}

} // namespace

std::string mapCheapestTemplate(
    HwLayer& hw, const std::function<void(HwLayer&)>& mapOn, int64_t initiationInterval, const std::string& label)
{
    std::vector<HwLayer> fast; // mapped and meeting the interval
    std::vector<std::string> slow, inapplicable;
    for (ir::TemplateKind kind : ir::kAllTemplates) {
        if (!autoCandidate(kind)) continue;
        HwLayer candidate = hw;
        candidate.kind = kind;
        const std::string name(ir::toString(kind));
        try {
            mapOn(candidate);
        } catch (const Error&) { // the template cannot map this layer (compile --template NAME says why)
            inapplicable.push_back(name);
            continue;
        }
        if (candidate.estimate.dsp > 0) // not comparable by LUTs alone (see autoCandidate)
            inapplicable.push_back(name + " (DSP)");
        else if (initiationInterval > 0 && candidate.interval > initiationInterval)
            slow.push_back(name + " interval " + std::to_string(candidate.interval));
        else
            fast.push_back(std::move(candidate));
    }
    const std::string bound = initiationInterval > 0 ? "an interval of at most " + std::to_string(initiationInterval)
            + (initiationInterval == 1 ? " cycle" : " cycles")
                                                     : "any interval";
    std::string why = (slow.empty() ? "" : "; too slow: " + joined(slow))
        + (inapplicable.empty() ? "" : "; does not apply: " + joined(inapplicable));
    if (fast.empty()) throw Error("template auto: no template maps layer " + label + " at " + bound + why);

    size_t best = 0;
    for (size_t i = 1; i < fast.size(); ++i)
        if (cheaper(fast[i], fast[best])) best = i;
    std::vector<std::string> dearer;
    for (size_t i = 0; i < fast.size(); ++i)
        if (i != best)
            dearer.push_back(std::string(ir::toString(fast[i].kind)) + " " + std::to_string(fast[i].estimate.lut));
    hw = std::move(fast[best]);
    return "template auto: " + label + " on " + std::string(ir::toString(hw.kind)) + ", "
        + std::to_string(hw.estimate.lut) + " LUT, the fewest at " + bound
        + (dearer.empty() ? "" : "; LUT of the others: " + joined(dearer)) + why;
}

} // namespace luthier::arch
