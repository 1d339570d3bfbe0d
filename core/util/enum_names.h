#pragma once
// The names of an enum's values, stated once: each enum keeps one constexpr table of {value, name} pairs and
// both directions (value -> name for messages and files, name -> value for parsers) look it up here, instead of
// a switch per direction that can drift from the other.

#include <cstddef>
#include <optional>
#include <string_view>

namespace luthier::util {

template <typename E> struct EnumName {
    E value;
    const char* name; // a string literal, so callers that hand out a const char* stay NUL-terminated
};

// The name `value` has in `table`, or "?" for a value the table lacks (a cast from an out-of-range integer).
template <typename E, std::size_t N> constexpr const char* nameOf(const EnumName<E> (&table)[N], E value)
{
    for (const EnumName<E>& entry : table)
        if (entry.value == value) return entry.name;
    return "?";
}

// The value `name` stands for in `table` (exact match), or nullopt.
template <typename E, std::size_t N>
constexpr std::optional<E> valueOf(const EnumName<E> (&table)[N], std::string_view name)
{
    for (const EnumName<E>& entry : table)
        if (entry.name == name) return entry.value;
    return std::nullopt;
}

} // namespace luthier::util
