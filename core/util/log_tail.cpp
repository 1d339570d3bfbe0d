#include "util/log_tail.h"

namespace luthier::util {

std::string logTail(const std::string& text, size_t lines)
{
    size_t end = text.size();
    while (end > 0 && text[end - 1] == '\n')
        --end;
    size_t start = end;
    for (size_t n = 0; n < lines; ++n) {
        const size_t nl = start == 0 ? std::string::npos : text.rfind('\n', start - 1);
        if (nl == std::string::npos) return text.substr(0, end);
        start = nl;
    }
    return text.substr(start + 1, end - start - 1);
}

} // namespace luthier::util
