#include "sim/dataset.h"

#include "sim/csv.h"
#include "sim/npy.h"
#include "util/error.h"

#include <cmath>

namespace luthier::sim {

namespace {

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct Table {
    std::vector<int64_t> shape;
    std::vector<double> values;
};

Table readTable(const std::string& path)
{
    if (endsWith(path, ".npy")) {
        NpyArray a = readNpy(path);
        return { a.shape, std::move(a.values) };
    }
    if (endsWith(path, ".csv") || endsWith(path, ".txt")) {
        CsvTable t = readCsv(path);
        return { { t.rows, t.cols }, std::move(t.values) };
    }
    throw Error(path + ": unknown dataset format (use .npy or .csv)");
}

} // namespace

Dataset loadInputs(const std::string& path, const ir::Shape& sampleShape)
{
    Table t = readTable(path);
    const int64_t per = ir::elementCount(sampleShape);
    if (per <= 0) throw Error(path + ": the model's input shape " + ir::toString(sampleShape) + " is empty");
    const int64_t total = int64_t(t.values.size());
    // Rows are samples: 16 rows of 17 values are not 17 samples of 16 (issue 29). One sample may come flat.
    const bool rowsAreSamples = !t.shape.empty() && t.shape[0] > 0 && total == t.shape[0] * per;
    if (total == 0 || !(rowsAreSamples || total == per))
        throw Error(path + ": array of shape " + ir::toString(t.shape) + " is not a batch of model inputs of shape "
            + ir::toString(sampleShape) + " (" + std::to_string(per) + " values each)");
    for (double v : t.values)
        if (!std::isfinite(v)) throw Error(path + ": inputs contain NaN or infinity");
    Dataset d;
    d.sampleShape = sampleShape;
    d.count = total / per;
    d.data = std::move(t.values);
    return d;
}

std::vector<int64_t> loadLabels(const std::string& path, int64_t expectedCount)
{
    Table t = readTable(path);
    std::vector<int64_t> labels;
    const bool matrix = t.shape.size() == 2 && t.shape[1] > 1;
    if (matrix) {
        for (int64_t r = 0; r < t.shape[0]; ++r)
            labels.push_back(argmax(t.values.data() + r * t.shape[1], t.shape[1]));
    } else {
        if (t.shape.size() > 2)
            throw Error(path + ": labels must be a vector or a one-hot matrix, got shape " + ir::toString(t.shape));
        for (double v : t.values) {
            if (v != std::floor(v) || v < 0)
                throw Error(path + ": label " + std::to_string(v) + " is not a class index");
            labels.push_back(int64_t(v));
        }
    }
    if (expectedCount >= 0 && int64_t(labels.size()) != expectedCount)
        throw Error(path + ": " + std::to_string(labels.size()) + " labels for " + std::to_string(expectedCount)
            + " input samples");
    return labels;
}

int64_t argmax(const double* begin, int64_t n)
{
    int64_t best = 0;
    for (int64_t i = 1; i < n; ++i)
        if (begin[i] > begin[best]) best = i;
    return best;
}

} // namespace luthier::sim
