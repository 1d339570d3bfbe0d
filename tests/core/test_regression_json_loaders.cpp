// Regression inputs for the JSON loaders that crashed them (found by fuzz/fuzz_project.cpp): each must give
// a luthier::Error naming the file, never terminate the process. Runs each load in a forked child
// (test_limits_isolated.h) so the crash fails its own case with the signal.
//
// A number beyond double's range ("1e400") makes nlohmann::json::parse throw out_of_range (406), not
// parse_error; loaders that catch only json::parse_error let it escape as an uncaught exception
// (std::terminate, SIGABRT): the workbench dies on opening such a project or device file.
//   project_number_overflow.luthier  the example project with "clockMhz": 1e400
//   device_number_overflow.json      the xc7z020 model with "luts": 1e400

#include "device/device_loader.h"
#include "project/project_file.h"
#include "test_limits_isolated.h"

#include <QtTest>

using namespace luthier;

namespace {

std::string regressionFile(const char* name)
{
    return std::string(LUTHIER_SOURCE_DIR) + "/tests/data/regression/" + name;
}

void expectCleanError(const luthier::testing::Outcome& o, const std::string& path)
{
    QVERIFY2(!o.crashed, ("the loader crashed: " + o.describe()).c_str());
    QVERIFY2(o.threwError, o.describe().c_str());
    QVERIFY2(o.message.find(path) != std::string::npos, ("the message should name the file: " + o.message).c_str());
}

} // namespace

class RegressionJsonLoadersTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void projectWithNumberOverflow()
    {
        const std::string path = regressionFile("project_number_overflow.luthier");
        expectCleanError(luthier::testing::runIsolated([&] { project::loadProject(path); }), path);
    }

    void deviceWithNumberOverflow()
    {
        const std::string path = regressionFile("device_number_overflow.json");
        expectCleanError(luthier::testing::runIsolated([&] { device::loadDevice(path); }), path);
    }
};

QTEST_GUILESS_MAIN(RegressionJsonLoadersTest)
#include "test_regression_json_loaders.moc"
