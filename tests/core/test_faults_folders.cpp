// Design and export folders as transactions (issue 29), in process: StagedFolder swaps a folder in whole or
// not at all, lets one writer in at a time, clears what a killed writer left, never replaces a foreign folder;
// checkFolder names the file that no longer matches its SHA-256 (checked against the FIPS 180-2 examples);
// the exporter refuses symbolic links in a design. The same through luthier-cli, with kill -9: test_faults_cli.

#include "core/error_of.h"
#include "export/design_manifest.h"
#include "scratch_files.h"
#include "util/error.h"
#include "util/sha256.h"
#include "util/staged_folder.h"

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>

using namespace luthier;
namespace fs = std::filesystem;

class TestFaultsFolders : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    fs::path root() const { return fs::path(m_tmp.path().toStdString()); }

private Q_SLOTS:
    void sha256MatchesTheStandardExamples()
    {
        // FIPS 180-2, appendix B.1-B.3.
        QCOMPARE(
            util::sha256Hex("abc"), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QCOMPARE(util::sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
        util::Sha256 million;
        const std::string piece(1000, 'a');
        for (int i = 0; i < 1000; ++i)
            million.update(piece);
        QCOMPARE(million.hexDigest(), std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
        QCOMPARE(util::sha256Hex(""), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        test::put(root() / "abc.txt", "abc");
        QCOMPARE(util::sha256File(root() / "abc.txt"), util::sha256Hex("abc"));
    }

    // The exporter copied whatever a link in a design folder pointed at (any file of the machine) into the export.
    void exportRefusesSymbolicLinksInADesign()
    {
        const fs::path design = root() / "linked design";
        fs::copy(fs::path(LUTHIER_SOURCE_DIR) / "tests" / "data" / "vivado" / "design_tiny", design,
            fs::copy_options::recursive);
        exporter::loadDesignManifest(design); // as shipped: fine
        const std::string listed = exporter::loadDesignManifest(design).files.front().string();
        test::put(root() / "secret.txt", "not part of any design");
        fs::remove(design / listed);
        fs::create_symlink(root() / "secret.txt", design / listed);
        const std::string message = test::errorOf([&] { exporter::loadDesignManifest(design); });
        QVERIFY2(message.find("'" + listed + "' is a symbolic link") != std::string::npos, message.c_str());
    }

    void stagedFolderSwapsInWholeOrNotAtAll()
    {
        const fs::path dir = root() / "design";
        {
            util::StagedFolder first(dir);
            test::put(first.path() / "a.v", "module a; endmodule\n");
            test::put(first.path() / "vectors.txt", "old vectors\n");
            first.commit();
        }
        QVERIFY(util::checkFolder(dir));
        // A second write that fails halfway (an exception before commit) leaves the first folder as it was.
        {
            util::StagedFolder second(dir);
            test::put(second.path() / "a.v", "module a2; endmodule\n");
        }
        QCOMPARE(test::contents(dir / "a.v"), std::string("module a; endmodule\n"));
        QVERIFY(util::checkFolder(dir));
        // A finished one replaces it entirely: no stale vectors.txt from the old design.
        {
            util::StagedFolder third(dir);
            test::put(third.path() / "b.v", "module b; endmodule\n");
            third.commit();
        }
        QVERIFY(!fs::exists(dir / "a.v"));
        QVERIFY(!fs::exists(dir / "vectors.txt"));
        QVERIFY(util::checkFolder(dir));
        QCOMPARE(test::names(root()).count("design.lock"), size_t(0));
        for (const std::string& n : test::names(root()))
            QVERIFY2(n.find("design.tmp-") == std::string::npos, n.c_str());
    }

    void secondWriterFailsAtOnce()
    {
        const fs::path dir = root() / "locked";
        util::StagedFolder holder(dir);
        const std::string message = test::errorOf([&] { util::StagedFolder other(dir); });
        QVERIFY2(message.find("is being written by another process (pid " + std::to_string(::getpid()) + ")")
                != std::string::npos,
            message.c_str());
        holder.commit();
        util::StagedFolder after(dir); // the lock is free again
    }

    void leftoversOfAKilledWriterAreRemoved()
    {
        const fs::path dir = root() / "killed";
        fs::create_directories(root() / "killed.tmp-999999" / "sub");
        test::put(root() / "killed.lock", "999999"); // no process holds the flock any more
        fs::create_directories(root() / "killed.tmp-notes"); // not ours: kept
        util::StagedFolder folder(dir);
        folder.commit();
        QVERIFY(!fs::exists(root() / "killed.tmp-999999"));
        QVERIFY(fs::exists(root() / "killed.tmp-notes"));
    }

    void foreignFolderIsNotReplaced()
    {
        const fs::path dir = root() / "documents";
        fs::create_directories(dir);
        test::put(dir / "thesis.tex", "years of work");
        const std::string message = test::errorOf([&] { util::StagedFolder folder(dir); });
        QVERIFY2(message.find("is a folder that Luthier did not write") != std::string::npos, message.c_str());
        QCOMPARE(test::contents(dir / "thesis.tex"), std::string("years of work"));
    }

    void checkFolderNamesTheFileThatDoesNotMatch()
    {
        const fs::path dir = root() / "checked";
        {
            util::StagedFolder folder(dir);
            fs::create_directories(folder.path() / "rtl");
            test::put(folder.path() / "rtl" / "x.v", "module x; endmodule\n");
            test::put(folder.path() / "manifest.json", "{}\n");
            folder.commit();
        }
        QVERIFY(util::checkFolder(dir));
        test::put(dir / "rtl" / "x.v", "module x; endmodule // edited\n");
        std::string message = test::errorOf([&] { util::checkFolder(dir); });
        QVERIFY2(message.find((dir / "rtl" / "x.v").string() + ": does not match its SHA-256") != std::string::npos,
            message.c_str());
        fs::remove(dir / "rtl" / "x.v");
        fs::create_symlink("/etc/passwd", dir / "rtl" / "x.v");
        message = test::errorOf([&] { util::checkFolder(dir); });
        QVERIFY2(message.find("x.v: not a regular file") != std::string::npos, message.c_str());
        fs::remove(dir / "rtl" / "x.v");
        message = test::errorOf([&] { util::checkFolder(dir); });
        QVERIFY2(message.find("x.v: missing from the folder") != std::string::npos, message.c_str());
        // A folder without a record (hand-written, or from before records) is not checked.
        fs::create_directories(root() / "unrecorded");
        QVERIFY(!util::checkFolder(root() / "unrecorded"));
    }
};

QTEST_GUILESS_MAIN(TestFaultsFolders)
#include "test_faults_folders.moc"
