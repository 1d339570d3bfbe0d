// The iCE40 flow for real: a shared model compiled at K = 4 through the pipeline, then yosys synth_ice40,
// nextpnr-ice40, icepack and icetime. Checks the bitstream, the routed figures against nextpnr's own log and
// icetime, the part capacities against what nextpnr says each die has, and the refusal of a design too large for
// the part before nextpnr runs.

#include "implement/ice40_flow.h"
#include "pipeline/design_folder.h"
#include "scratch_files.h"
#include "verify/process.h"

#include <QtTest/QtTest>
#include <nlohmann/json.hpp>
#include <regex>

using namespace luthier;

namespace {

const std::string kShared = LUTHIER_SHARED_DIR;

bool haveTools()
{
    for (const char* tool : { "yosys", "nextpnr-ice40", "icepack", "icetime" })
        if (!verify::findProgram(tool)) return false;
    return true;
}

void compileModel(const std::string& model, const std::filesystem::path& dir, pipeline::Options options)
{
    options.modelPath = kShared + "/models/" + model;
    options.lutInputs = 4;
    pipeline::Pipeline build(options);
    Progress progress;
    pipeline::writeDesignFolder(build, dir, 0, progress);
}

// The last "Max frequency for clock 'C': F MHz" of nextpnr's log (the figure after routing).
double loggedFmax(const std::string& log)
{
    const std::regex line(R"(Max frequency for clock '[^']*': ([0-9.]+) MHz)");
    double last = 0;
    for (auto it = std::sregex_iterator(log.begin(), log.end(), line); it != std::sregex_iterator(); ++it)
        last = std::stod((*it)[1].str());
    return last;
}

} // namespace

class TestImplement : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parsesIcetimeTotal()
    {
        QCOMPARE(
            implement::parseIcetimeDelay("Total number of logic levels: 4\nTotal path delay: 18.73 ns (53.38 MHz)\n"),
            18.73);
        QCOMPARE(implement::parseIcetimeDelay("no paths\n"), 0.0);
    }

    void knowsPartsByShortName()
    {
        QCOMPARE(QString::fromStdString(implement::ice40Part("UP5K").name), QStringLiteral("ice40up5k"));
        QCOMPARE(QString::fromStdString(implement::ice40Part("ice40hx8k").package), QStringLiteral("ct256"));
        try {
            implement::ice40Part("xc7a35t");
            QFAIL("an Xilinx part was accepted");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("ice40up5k, ice40hx8k") != std::string::npos, e.what());
        }
    }

    void implementsBinaryLayerOnUp5k()
    {
        if (!haveTools()) QSKIP("yosys, nextpnr-ice40 or fpga-icestorm is not installed");
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const std::filesystem::path dir = std::filesystem::path(tmp.path().toStdString()) / "bnn";
        compileModel("bnn_model_fc_1layer.onnx", dir, {});

        implement::ImplementOptions options;
        options.part = "ice40up5k";
        options.clockMhz = 12;
        const implement::ImplementReport r = implement::implementDesign(dir, options);
        const std::filesystem::path out = dir / "implement-ice40up5k";
        QCOMPARE(r.folder, std::filesystem::absolute(out));

        // A bitstream icepack wrote: the iCE40 sync word 7E AA 99 7E after the 0xFF padding, and of the size
        // every UP5K image has whatever the design (the configuration memory is written whole).
        const std::string bits = test::contents(r.bitstream);
        QVERIFY2(bits.find("\x7e\xaa\x99\x7e") < 16, "no iCE40 sync word at the start of the bitstream");
        QVERIFY(bits.size() > 100000);

        // The routed figures are nextpnr's: its log's last Fmax line, and the capacities of the die.
        QCOMPARE(r.routed.clocks.size(), size_t(1));
        QVERIFY(r.fmaxMhz() > 12);
        QVERIFY(std::abs(r.fmaxMhz() - loggedFmax(test::contents(out / "nextpnr.log"))) < 0.01);
        const implement::Ice40Part& up5k = implement::ice40Part("ice40up5k");
        QCOMPARE(r.routed.bel("ICESTORM_LC").available, up5k.logicCells);
        QCOMPARE(r.routed.bel("ICESTORM_RAM").available, up5k.bram);
        QCOMPARE(r.routed.bel("ICESTORM_DSP").available, up5k.dsp);
        // Every LUT4 and every flip-flop of the netlist sits in a logic cell (a cell holds one of each).
        QVERIFY(r.cells.lut4 > 10);
        QVERIFY(r.routed.bel("ICESTORM_LC").used >= std::max(r.cells.lut4, r.cells.ff));
        QCOMPARE(r.routed.bel("SB_IO").used, r.ioBits); // no pin constraints: every port bit gets a pin
        const implement::CriticalPath* path = r.routed.worstPath();
        QVERIFY(path);
        QVERIFY(path->logicLevels > 0 && path->delayNs > path->routingNs && path->routingNs > 0);
        // icetime times the same routed .asc with icestorm's own database: the same order as nextpnr's figure.
        QVERIFY(r.icetimeNs > 0);
        const double icetimeMhz = 1000.0 / r.icetimeNs;
        QVERIFY2(icetimeMhz > 0.5 * r.fmaxMhz() && icetimeMhz < 2.0 * r.fmaxMhz(),
            qPrintable(QString("icetime %1 MHz, nextpnr %2 MHz").arg(icetimeMhz).arg(r.fmaxMhz())));

        const nlohmann::json saved = nlohmann::json::parse(test::contents(out / "report.json"));
        QCOMPARE(saved.at("fmaxMhz").get<double>(), r.fmaxMhz());
        QCOMPARE(saved.at("synthesis").at("lut4").get<int64_t>(), r.cells.lut4);
        QCOMPARE(saved.at("bitstream").get<std::string>(), r.bitstream.filename().string());
    }

    void refusesTooLargeBeforeNextpnr()
    {
        // MNIST's TFC_1W1A folded on four shift-add lanes: Yosys puts its weight ROMs in 35 SB_RAM40_4K blocks,
        // more than the UP5K's 30 (about half a minute of synth_ice40).
        if (!haveTools()) QSKIP("yosys, nextpnr-ice40 or fpga-icestorm is not installed");
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const std::filesystem::path dir = std::filesystem::path(tmp.path().toStdString()) / "tfc";
        pipeline::Options options;
        options.defaultTemplate = ir::TemplateKind::ShiftAdd;
        options.parallelism = 4;
        compileModel("TFC_1W1A.onnx", dir, options);
        implement::ImplementOptions implementOptions;
        implementOptions.part = "up5k";
        std::string message;
        try {
            implement::implementDesign(dir, implementOptions);
        } catch (const Error& e) {
            message = e.what();
        }
        QVERIFY2(message.find("does not fit the ice40up5k") != std::string::npos, message.c_str());
        // The message names the design's count beside the part's, and every synthesised count.
        const std::regex figures(
            R"(it needs (\d+) ([^,]+?) after synth_ice40, the part has (\d+) \(synthesised: (\d+) LUT4)");
        std::smatch m;
        QVERIFY2(std::regex_search(message, m, figures), message.c_str());
        QVERIFY(std::stoll(m[1]) > std::stoll(m[3]));
        QVERIFY(std::stoll(m[4]) > 1000);
        // Refused before nextpnr: nothing was committed, and no staging folder is left behind.
        QCOMPARE(test::names(dir).count("implement-ice40up5k"), size_t(0));
        for (const std::string& name : test::names(dir))
            QVERIFY2(name.find("implement") == std::string::npos, name.c_str());
    }
};

QTEST_GUILESS_MAIN(TestImplement)
#include "test_implement.moc"
