// Sweeps (core/sweep, issue 28) without a cluster: a description expands into the points it names, with the
// dataset sample they share; wrong descriptions are errors naming the key; the Pareto fronts of a hand-made set
// of rows are the ones worked out below; Slurm array specs compress indices; and a real local run of TFC_2W2A
// (through the luthier-cli of this tree) records each point atomically, skips finished points on the next run,
// records a failing point with the step that failed, and reports the same bytes every time.
// tests/cluster/test_sweep_slurm.sh runs the 12-point sweep through a real Slurm cluster.

#include "error_of.h"
#include "sim/npy.h"
#include "sweep/local_executor.h"
#include "sweep/pareto_svg.h"
#include "sweep/slurm_executor.h"
#include "sweep/sweep_report.h"
#include "util/atomic_file.h"

#include <QTemporaryDir>
#include <QTest>
#include <filesystem>

using namespace luthier;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kShared = LUTHIER_SHARED_DIR;
const std::string kCli = LUTHIER_BINARY_DIR "/bin/luthier-cli";

fs::path writeDescription(const fs::path& dir, const json& d)
{
    fs::path file = dir / "sweep-description.json";
    util::writeFileAtomic(file, d.dump(2));
    return file;
}

json tfc(const json& axes)
{
    json d = { { "model", kShared + "/models/TFC_2W2A.onnx" }, { "inputs", kShared + "/data/mnist_x_2k.npy" },
        { "labels", kShared + "/data/mnist_y_2k.npy" } };
    d.update(axes);
    return d;
}

sweep::ReportRow row(int index, int64_t lut, int64_t cycles, double accuracy)
{
    sweep::ReportRow r;
    r.index = index;
    r.name = "p" + std::to_string(index);
    r.lut = lut;
    r.cycles = cycles;
    r.intAccuracy = accuracy;
    return r;
}

} // namespace

class TestSweep : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void planExpandsEveryCombination()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const json d = tfc({ { "samples", 50 }, { "wbits", { 2, 3, 4 } }, { "templates", { "tlmac", "unrolled" } },
            { "steps", { "estimate", "eval" } } });
        const sweep::Plan plan = sweep::planSweep(writeDescription(dir, d), dir / "s", "/opt/luthier-cli");
        QCOMPARE(plan.points.size(), size_t(6));
        QCOMPARE(plan.points[3].name, std::string("w3-unrolled-k6-p64"));
        QVERIFY(fs::is_directory(dir / "s" / "points" / "03-w3-unrolled-k6-p64"));
        const std::vector<std::string>& argv = plan.points[3].commands.at(0).argv;
        QCOMPARE(argv.at(1), std::string("analyze"));
        QVERIFY(std::find(argv.begin(), argv.end(), "*.wbits=3") != argv.end());
        QVERIFY(std::find(argv.begin(), argv.end(), "*.template=unrolled") != argv.end());
        QVERIFY(std::find(argv.begin(), argv.end(), (dir / "s" / "data" / "labels.npy").string()) != argv.end());

        // The shared sample is the first 50 samples of the dataset, values unchanged.
        const sim::NpyArray all = sim::readNpy(kShared + "/data/mnist_x_2k.npy");
        const sim::NpyArray some = sim::readNpy((dir / "s" / "data" / "inputs.npy").string());
        QCOMPARE(some.shape.at(0), int64_t(50));
        QCOMPARE(some.count(), all.count() / 2000 * 50);
        QVERIFY(std::equal(some.values.begin(), some.values.end(), all.values.begin()));
        const std::vector<int64_t> labels = sim::readNpy((dir / "s" / "data" / "labels.npy").string()).ints;
        QCOMPARE(labels.size(), size_t(50));
        QVERIFY(std::equal(labels.begin(), labels.end(), sim::readNpy(kShared + "/data/mnist_y_2k.npy").ints.begin()));

        // Reloaded from sweep.json: the same points; planning the same description again keeps the folder.
        const sweep::Plan again = sweep::loadPlan(dir / "s");
        QCOMPARE(again.cli, std::string("/opt/luthier-cli"));
        QCOMPARE(again.points.at(5).commands.at(0).argv, plan.points.at(5).commands.at(0).argv);
        sweep::planSweep(writeDescription(dir, d), dir / "s", "/opt/luthier-cli");
        json other = d;
        other["wbits"] = { 2 };
        QVERIFY(test::errorOf([&] {
            sweep::planSweep(writeDescription(dir, other), dir / "s", "x");
        }).find("already holds a different sweep")
            != std::string::npos);
    }

    void wrongDescriptionsNameTheKey()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const auto error = [&](const json& d) {
            return test::errorOf([&] { sweep::planSweep(writeDescription(dir, d), dir / "s", "x"); });
        };
        QVERIFY(error(tfc({ { "templatess", { "tlmac" } } })).find("unknown key 'templatess'") != std::string::npos);
        QVERIFY(error(tfc({ { "templates", { "lutz" } } })).find("templates: \"lutz\"") != std::string::npos);
        QVERIFY(error(tfc({ { "wbits", { 0 } } })).find("wbits: 0 is not an integer in 1..16") != std::string::npos);
        QVERIFY(error(tfc({ { "steps", { "synth" } } })).find("needs synthLayer") != std::string::npos);
        QVERIFY(error({ { "model", "m.onnx" }, { "steps", { "eval" } } }).find("needs inputs and labels")
            != std::string::npos);
        QVERIFY(test::errorOf([&] { sweep::loadPlan(dir / "nothing"); }).find("holds no sweep") != std::string::npos);
    }

    void frontsAreTheUndominatedRows()
    {
        // (LUT, cycles, accuracy). By LUTs: E (50) is cheapest; A (100, .90) beats C (150, .85); B (200, .95) is
        // the most accurate for the least LUTs, D (300, .95) has B's accuracy at more LUTs. By cycles: F has the
        // fewest and the best accuracy there is, so it alone is on that front.
        std::vector<sweep::ReportRow> rows = { row(0, 100, 9, 0.90), row(1, 200, 9, 0.95), row(2, 150, 9, 0.85),
            row(3, 300, 9, 0.95), row(4, 50, 9, 0.80), row(5, 400, 3, 0.96) };
        rows.push_back(sweep::ReportRow {}); // a failed point: no numbers, on no front
        sweep::markFronts(rows);
        const std::vector<bool> lut = { true, true, false, false, true, true, false };
        for (size_t i = 0; i < rows.size(); ++i) {
            QCOMPARE(rows[i].frontLut, bool(lut[i]));
            QCOMPARE(rows[i].frontLatency, i == 5);
        }
    }

    void arraySpecsCompressRuns()
    {
        QCOMPARE(sweep::arraySpec({ 5, 0, 1, 2, 7, 8, 3 }), std::string("0-3,5,7-8"));
        QCOMPARE(sweep::arraySpec({ 11 }), std::string("11"));
        QCOMPARE(sweep::arraySpec({ 4, 4, 6 }), std::string("4,6"));
    }

    void localRunRecordsSkipsAndReportsFailures()
    {
        QVERIFY2(fs::exists(kCli), "build luthier-cli in the same tree first");
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const json d = tfc({ { "samples", 40 }, { "wbits", { 2, 1 } }, { "templates", { "unrolled" } },
            { "steps", { "estimate", "eval" } } });
        sweep::Plan plan = sweep::planSweep(writeDescription(dir, d), dir / "s", kCli);
        // Point 1 gets a model that is not there: its analyze fails, point 0 is unaffected.
        plan.points[1].commands[0].argv[2] = (dir / "missing.onnx").string();
        Progress progress;
        std::vector<std::string> ended;
        sweep::runLocal(plan, sweep::pointsToRun(plan, false), 2, progress,
            [&](const sweep::Point& p, sweep::PointState) { ended.push_back(p.name); });
        QCOMPARE(ended.size(), size_t(2));
        QCOMPARE(sweep::pointState(plan, plan.points[0]), sweep::PointState::Finished);
        QCOMPARE(sweep::pointState(plan, plan.points[1]), sweep::PointState::Failed);
        const json failure = *sweep::pointFailure(plan, plan.points[1]);
        QCOMPARE(failure.at("step").get<std::string>(), std::string("analyze"));
        QVERIFY(failure.at("reason").get<std::string>().find("missing.onnx") != std::string::npos);

        // TFC_2W2A at its own 2-bit weights on MNIST: ~97 % (models/README.md); 40 samples allow a few misses.
        const sweep::Report report = sweep::buildReport(plan);
        QCOMPARE(report.finished, 1);
        QCOMPARE(report.failed, 1);
        const sweep::ReportRow& r = report.rows[0];
        QCOMPARE(*r.samples, int64_t(40));
        QVERIFY2(*r.intAccuracy > 0.85, std::to_string(*r.intAccuracy).c_str());
        QVERIFY(*r.lut > 1000); // 784-64-64-64-10 unrolled: thousands of LUTs
        QVERIFY(r.frontLut && r.frontLatency); // alone on both fronts
        QVERIFY(sweep::paretoSvg(report).find("<title>w2-unrolled-k6-p64</title>") != std::string::npos);

        // A run skips the finished and the failed point; resume's selection takes the failed one only.
        QVERIFY(sweep::pointsToRun(plan, false).empty());
        QCOMPARE(sweep::pointsToRun(plan, true), std::vector<int> { 1 });
        QCOMPARE(sweep::toJson(sweep::buildReport(plan)).dump(), sweep::toJson(report).dump());
        QCOMPARE(sweep::toText(sweep::buildReport(plan)), sweep::toText(report));
    }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "test_sweep.moc"
