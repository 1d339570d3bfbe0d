#pragma once
// Progress of one stage of a longer job: the stage reports 0..1 and the outer bar sees [from, to] of its own,
// so each stage can report as if it ran alone. Cancelling the outer job cancels the stage.

#include "util/progress.h"

namespace luthier {

class SliceProgress : public Progress {
public:
    SliceProgress(Progress& outer, double from, double to)
        : m_outer(outer)
        , m_from(from)
        , m_to(to)
    {
    }
    void report(double fraction, std::string_view message) override
    {
        m_outer.report(m_from + (m_to - m_from) * fraction, message);
    }
    bool cancelled() const override { return m_outer.cancelled(); }

private:
    Progress& m_outer;
    double m_from, m_to;
};

} // namespace luthier
