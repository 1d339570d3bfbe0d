#pragma once
// Counts of the four placeable FPGA resources. BRAMs are counted in the device's own block RAM tiles
// (RAMB36 on Xilinx, 4 Kbit EBR on iCE40); see TileType::bramBits to convert.

#include <cstdint>
#include <string>

namespace luthier::device {

struct Resources {
    int64_t luts = 0, ffs = 0, dsps = 0, brams = 0;

    Resources& operator+=(const Resources& r)
    {
        luts += r.luts;
        ffs += r.ffs;
        dsps += r.dsps;
        brams += r.brams;
        return *this;
    }
    Resources& operator-=(const Resources& r)
    {
        luts -= r.luts;
        ffs -= r.ffs;
        dsps -= r.dsps;
        brams -= r.brams;
        return *this;
    }
    friend Resources operator+(Resources a, const Resources& b) { return a += b; }
    friend Resources operator-(Resources a, const Resources& b) { return a -= b; }
    // True when every count fits into `capacity`.
    bool fitsIn(const Resources& capacity) const
    {
        return luts <= capacity.luts && ffs <= capacity.ffs && dsps <= capacity.dsps && brams <= capacity.brams;
    }
    bool isZero() const { return luts == 0 && ffs == 0 && dsps == 0 && brams == 0; }
    bool operator==(const Resources&) const = default;
};

// "1,728,000 LUT, 3,456,000 FF, 12,288 DSP, 2,688 BRAM"
std::string toString(const Resources& r);
// 1728000 -> "1,728,000"
std::string withThousands(int64_t value);

} // namespace luthier::device
