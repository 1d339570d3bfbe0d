// Nothing lost, nothing half-written (issue 29), file by file: every writer of Luthier on a file system that
// runs out of space (tests/core/full_disk.h: a real full tmpfs, or RLIMIT_FSIZE) throws an Error naming the
// file and the reason, leaves the previous contents byte for byte and no temporary behind. Label faults.

#include "core/error_of.h"
#include "core/full_disk.h"
#include "place/heatmap.h"
#include "project/project_file.h"
#include "rtl/test_vectors.h"
#include "rtl/verilog_emitter.h"
#include "scratch_files.h"
#include "sim/npy.h"
#include "util/atomic_file.h"
#include "util/error.h"

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <sys/stat.h>

using namespace luthier;
namespace fs = std::filesystem;

class TestFaultsFiles : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    fs::path root() const { return fs::path(m_tmp.path().toStdString()); }

private Q_SLOTS:
    void atomicWriteReplacesAndKeepsTheMode()
    {
        const fs::path file = root() / "replace.txt";
        test::put(file, "old");
        fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
        util::writeFileAtomic(file, "new contents");
        QCOMPARE(test::contents(file), std::string("new contents"));
        QCOMPARE(fs::status(file).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
        QCOMPARE(
            test::names(root(), ".filler").count(".replace.txt.tmp-" + std::to_string(::getpid()) + "-0"), size_t(0));
        const std::string missing = test::errorOf([&] { util::writeFileAtomic(root() / "no such dir" / "x", "x"); });
        QVERIFY2(missing.find("no such dir/x") != std::string::npos
                && missing.find("No such file or directory") != std::string::npos,
            missing.c_str());
    }

    // Each writer, on a full file system: an Error with the file and the reason; the old bytes; no temporary.
    void everyWriterFailsCleanlyOnAFullDisk_data()
    {
        QTest::addColumn<QString>("writer");
        for (const char* w :
            { "writeFileAtomic", "AtomicStream", "writeVectors", "writeFiles", "writeNpy", "saveProject", "writeCsv" })
            QTest::newRow(w) << w;
    }
    void everyWriterFailsCleanlyOnAFullDisk()
    {
        QFETCH(QString, writer);
        test::FullDisk disk(root() / ("full " + writer.toStdString()));
        const std::string name = writer == "writeFiles" ? "top.v" : "output.file";
        const fs::path file = disk.dir() / name;
        const std::string old = "the previous contents, which must survive\n";
        test::put(file, old);
        const std::string big(20000, 'x');
        std::map<QString, std::function<void()>> writers {
            { "writeFileAtomic", [&] { util::writeFileAtomic(file, big); } },
            { "AtomicStream",
                [&] {
                    util::AtomicStream out(file);
                    for (int i = 0; i < 5000; ++i)
                        out << i << "\n";
                    out.commit();
                } },
            { "writeVectors",
                [&] {
                    rtl::TestVectors v;
                    v.inputCount = 4;
                    v.outputCount = 2;
                    v.inputs.assign(4000, 7);
                    v.expected.assign(2000, -3);
                    rtl::writeVectors(file, v);
                } },
            { "writeFiles",
                [&] {
                    rtl::writeFiles(disk.dir(), { { "top.v", big } });
                } },
            { "writeNpy", [&] { sim::writeNpy(file.string(), { 5000 }, std::vector<float>(5000, 1.5f)); } },
            { "saveProject",
                [&] {
                    project::Project p;
                    p.devicePart = big;
                    project::saveProject(p, file.string());
                } },
            { "writeCsv",
                [&] {
                    place::Heatmap map;
                    map.name = "lut";
                    map.width = map.height = 60;
                    map.values.assign(3600, 0.25);
                    place::writeCsv(map, file);
                } },
        };
        const std::set<std::string> before = test::names(disk.dir(), ".filler");
        disk.fill();
        const std::string message = test::errorOf(writers.at(writer));
        disk.restore();
        QVERIFY2(message.find(file.string()) != std::string::npos, message.c_str());
        QVERIFY2(message.find(disk.reason()) != std::string::npos, message.c_str());
        QCOMPARE(test::contents(file), old);
        QVERIFY(test::names(disk.dir(), ".filler") == before); // no temporary left behind
        // And with space again the same writer succeeds.
        writers.at(writer)();
        QVERIFY(test::contents(file) != old);
    }
};

QTEST_GUILESS_MAIN(TestFaultsFiles)
#include "test_faults_files.moc"
