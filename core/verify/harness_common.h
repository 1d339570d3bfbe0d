#pragma once
// The part of the generated Verilator harnesses (the whole-vector one in verilator_run.cpp, the streaming one in
// stream_harness.cpp) that both need: includes, port access that works for ports up to 64 bits and for Verilator's
// VlWide words alike, and the process CPU clock. Each harness text holds @HARNESS_COMMON@ where this goes; replace
// @TOP@ after inserting it.

#include <string>

namespace luthier::verify {

// Fills a harness text's @PLACEHOLDER@ (every occurrence).
inline void replaceAll(std::string& s, const std::string& from, const std::string& to)
{
    for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
        s.replace(pos, from.size(), to);
}

inline constexpr const char* kHarnessCommon = R"(#include "V@TOP@.h"
#include "verilated.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

template <std::size_t N>
static void setPort(VlWide<N>& port, const uint32_t* words)
{
    for (std::size_t i = 0; i < N; ++i)
        port.at(i) = words[i];
}
template <class T>
static void setPort(T& port, const uint32_t* words)
{
    uint64_t v = words[0];
    if (sizeof(T) > 4)
        v |= uint64_t(words[1]) << 32;
    port = T(v);
}
template <std::size_t N>
static uint32_t portWord(const VlWide<N>& port, std::size_t i)
{
    return i < N ? port.at(i) : 0u;
}
template <class T>
static uint32_t portWord(const T& port, std::size_t i)
{
    return i < 2 ? uint32_t(uint64_t(port) >> (32 * i)) : 0u;
}
static double cpuSeconds()
{
    timespec t {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
})";

} // namespace luthier::verify
