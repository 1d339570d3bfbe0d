// The resource lookup order of util/resource_paths.h: environment, then next to the executable, then the
// source tree. The "next to the executable" case for an installed copy is exercised by the packaging test
// (tests/packaging/test_install_deb.sh), which runs the installed binaries from a scratch root.

#include "util/error.h"
#include "util/resource_paths.h"

#include <QTemporaryDir>
#include <QTest>
#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;
using namespace luthier;

class TestPackageResourcePaths : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() { qunsetenv("LUTHIER_RESOURCE_DIR"); }
    void cleanup() { qunsetenv("LUTHIER_RESOURCE_DIR"); }

    void executablePathIsThisTest()
    {
        const fs::path exe = util::executablePath();
        QVERIFY(exe.is_absolute());
        QCOMPARE(QString::fromStdString(exe.filename().string()), QStringLiteral("test_package_resource_paths"));
    }

    void buildTreeFallsBackToSourceResources()
    {
        // The test binary lives in <build>/bin, and <build>/share/luthier does not exist, so the lookup
        // must end at the source tree's resources/ folder.
        const fs::path expected = fs::path(LUTHIER_SOURCE_DIR) / "resources";
        QCOMPARE(fs::weakly_canonical(util::resourceDir()), fs::weakly_canonical(expected));
        const fs::path example = util::resourcePath("examples/tfc_2w2a/TFC_2W2A.onnx");
        QVERIFY(fs::is_regular_file(example));
    }

    void candidatesAreInDocumentedOrder()
    {
        QTemporaryDir dir;
        qputenv("LUTHIER_RESOURCE_DIR", dir.path().toUtf8());
        const auto candidates = util::resourceDirCandidates();
        QVERIFY(candidates.size() >= 4);
        QCOMPARE(candidates[0], fs::path(dir.path().toStdString()));
        const fs::path exeDir = util::executablePath().parent_path();
        QCOMPARE(candidates[1], (exeDir.parent_path() / "share" / "luthier").lexically_normal());
        QCOMPARE(candidates[2], (exeDir.parent_path() / "Resources").lexically_normal());
        QCOMPARE(candidates.back(), fs::path(LUTHIER_SOURCE_DIR) / "resources");
    }

    void environmentWins()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("devices")));
        qputenv("LUTHIER_RESOURCE_DIR", dir.path().toUtf8());
        QCOMPARE(util::resourceDir(), fs::path(dir.path().toStdString()));
        // A resource that this folder lacks is an error naming it, not a silent fallback to the source tree.
        try {
            util::resourcePath("examples/tfc_2w2a/TFC_2W2A.onnx");
            QFAIL("expected luthier::Error");
        } catch (const Error& e) {
            QVERIFY(QString::fromUtf8(e.what()).contains(QStringLiteral("examples/tfc_2w2a/TFC_2W2A.onnx")));
        }
    }

    void environmentPointingNowhereIsAnError()
    {
        qputenv("LUTHIER_RESOURCE_DIR", "/nonexistent/luthier-resources");
        try {
            util::resourceDir();
            QFAIL("expected luthier::Error");
        } catch (const Error& e) {
            QVERIFY(QString::fromUtf8(e.what()).contains(QStringLiteral("/nonexistent/luthier-resources")));
        }
    }
};

QTEST_GUILESS_MAIN(TestPackageResourcePaths)
#include "test_package_resource_paths.moc"
