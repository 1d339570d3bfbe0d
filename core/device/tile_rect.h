#pragma once
// A rectangle of device tiles, inclusive on both ends (column = x, row = y), the unit of pblocks, keep-outs
// and placement regions. Same field names as the project file's constraint rectangles.

#include <algorithm>
#include <string>

namespace luthier::device {

struct TileRect {
    int col0 = 0, row0 = 0, col1 = 0, row1 = 0;

    int width() const { return col1 - col0 + 1; }
    int height() const { return row1 - row0 + 1; }
    long long area() const { return (long long)width() * height(); }
    bool contains(int x, int y) const { return x >= col0 && x <= col1 && y >= row0 && y <= row1; }
    bool contains(const TileRect& r) const
    {
        return r.col0 >= col0 && r.col1 <= col1 && r.row0 >= row0 && r.row1 <= row1;
    }
    bool intersects(const TileRect& r) const
    {
        return r.col0 <= col1 && r.col1 >= col0 && r.row0 <= row1 && r.row1 >= row0;
    }
    TileRect unite(const TileRect& r) const
    {
        return { std::min(col0, r.col0), std::min(row0, r.row0), std::max(col1, r.col1), std::max(row1, r.row1) };
    }
    bool operator==(const TileRect&) const = default;
};

// "X0..12 Y60..119", the form error messages and reports use.
inline std::string toString(const TileRect& r)
{
    return "X" + std::to_string(r.col0) + ".." + std::to_string(r.col1) + " Y" + std::to_string(r.row0) + ".."
        + std::to_string(r.row1);
}

} // namespace luthier::device
