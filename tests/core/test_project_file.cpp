// The .luthier project file: round trips, relative paths, unknown keys, and the errors a user sees.

#include "error_of.h"
#include "project/project_file.h"
#include "util/error.h"

#include <QTemporaryDir>
#include <QTest>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace luthier;
namespace fs = std::filesystem;

namespace {

std::string readText(const std::string& path)
{
    std::ifstream f(path);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

void writeText(const std::string& path, const std::string& text)
{
    std::ofstream(path) << text;
}

} // namespace

class TestProjectFile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTripKeepsEveryField()
    {
        QTemporaryDir dir;
        const std::string base = dir.path().toStdString();
        project::Project p;
        p.modelPath = base + "/models/net.onnx";
        p.devicePart = "xc7z020";
        p.dataset = { base + "/data/x.npy", base + "/data/y.npy" };
        p.compiler = { 4, 32, 2.5, 150.0, 8, 4 };
        p.overrides["fc1"].weightBits = 3;
        p.overrides["fc1"].templateKind = ir::TemplateKind::Unrolled;
        p.overrides["fc2"].activationBits = 4;
        p.overrides["fc2"].weightScheme = ir::WeightScheme::PowerOfTwo;
        p.overrides["fc2"].groupSize = 2;
        p.constraints.pblocks["fc1"] = { 1, 2, 10, 20 };
        p.constraints.slr["fc2"] = 1;
        p.constraints.keepOut.push_back({ 0, 0, 3, 3 });

        const std::string path = base + "/proj.luthier";
        project::saveProject(p, path);
        const project::Project q = project::loadProject(path);
        QCOMPARE(q.modelPath, p.modelPath);
        QCOMPARE(q.devicePart, p.devicePart);
        QVERIFY(q.dataset == p.dataset);
        QVERIFY(q.compiler == p.compiler);
        QCOMPARE(q.compiler.lowering().inputBits, 8);
        QCOMPARE(q.compiler.lowering().inputFractionBits, 4);
        QVERIFY(q.constraints == p.constraints);
        QCOMPARE(q.overrides.size(), size_t(2));
        QCOMPARE(*q.overrides.at("fc1").weightBits, 3);
        QVERIFY(*q.overrides.at("fc1").templateKind == ir::TemplateKind::Unrolled);
        QVERIFY(!q.overrides.at("fc1").activationBits);
        QCOMPARE(*q.overrides.at("fc2").activationBits, 4);
        QVERIFY(*q.overrides.at("fc2").weightScheme == ir::WeightScheme::PowerOfTwo);
        QCOMPARE(*q.overrides.at("fc2").groupSize, 2);

        // Paths are stored relative to the project file, so the folder can move.
        const auto doc = nlohmann::json::parse(readText(path));
        QCOMPARE(doc["model"].get<std::string>(), std::string("models/net.onnx"));
        QCOMPARE(doc["dataset"]["labels"].get<std::string>(), std::string("data/y.npy"));
        QCOMPARE(doc["version"].get<int>(), project::kFormatVersion);
        // The write went through a temporary file that is gone afterwards.
        int files = 0;
        for ([[maybe_unused]] const auto& entry : fs::directory_iterator(base))
            ++files;
        QCOMPARE(files, 1);
    }

    void savingElsewhereRebasesRelativePaths()
    {
        QTemporaryDir dir;
        const std::string base = dir.path().toStdString();
        fs::create_directories(base + "/a/b");
        writeText(base + "/a/p.luthier", R"({"format": "luthier-project", "version": 1, "model": "net.onnx"})");
        const project::Project p = project::loadProject(base + "/a/p.luthier");
        QCOMPARE(p.modelPath, base + "/a/net.onnx");
        project::saveProject(p, base + "/a/b/p.luthier");
        const auto doc = nlohmann::json::parse(readText(base + "/a/b/p.luthier"));
        QCOMPARE(doc["model"].get<std::string>(), std::string("../net.onnx"));
    }

    void unknownKeysSurvive()
    {
        const std::string text = R"({
            "format": "luthier-project", "version": 1, "model": "m.onnx",
            "futureTopLevel": {"a": [1, 2, 3]},
            "compiler": {"lutInputs": 6, "futureOption": "x"},
            "overrides": {"fc1": {"weightBits": 2, "note": "tried 1 bit: -4 %"}},
            "constraints": {"pblocks": {"fc1": {"col0": 0, "row0": 0, "col1": 1, "row1": 1, "colour": "#f00"}}}
        })";
        project::Project p = project::parseProject(text, "/tmp", "test");
        p.overrides["fc1"].weightBits = 5; // an edit to the same entry keeps its unknown sibling
        p.overrides["fc2"].activationBits = 3;
        const auto doc = nlohmann::json::parse(project::serialiseProject(p, "/tmp"));
        QCOMPARE(doc["futureTopLevel"]["a"][2].get<int>(), 3);
        QCOMPARE(doc["compiler"]["futureOption"].get<std::string>(), std::string("x"));
        QCOMPARE(doc["overrides"]["fc1"]["note"].get<std::string>(), std::string("tried 1 bit: -4 %"));
        QCOMPARE(doc["overrides"]["fc1"]["weightBits"].get<int>(), 5);
        QCOMPARE(doc["overrides"]["fc2"]["activationBits"].get<int>(), 3);
        QCOMPARE(doc["constraints"]["pblocks"]["fc1"]["colour"].get<std::string>(), std::string("#f00"));

        // Clearing an override removes exactly the known key.
        p.overrides["fc1"].weightBits.reset();
        p.overrides["fc1"].activationBits = 2;
        const auto doc2 = nlohmann::json::parse(project::serialiseProject(p, "/tmp"));
        QVERIFY(!doc2["overrides"]["fc1"].contains("weightBits"));
        QCOMPARE(doc2["overrides"]["fc1"]["note"].get<std::string>(), std::string("tried 1 bit: -4 %"));
    }

    void errorsNameTheProblem()
    {
        const auto parse = [](const std::string& text) {
            return test::errorOf([&] { project::parseProject(text, "/tmp", "p.luthier"); });
        };
        // Truncated JSON: the message says where.
        QVERIFY(parse(R"({"format": "luthier-project", "version": 1,)")
                    .find("p.luthier: not a valid project file (parse error at line 1")
            == 0);
        QVERIFY(parse(R"({"some": "other json"})").find("not a Luthier project") != std::string::npos);
        // Deep nesting is refused while parsing: copying such a document overflowed the workbench's stack.
        const std::string deep = parse(R"({"format": "luthier-project", "version": 1, "x": )" + std::string(100000, '[')
            + std::string(100000, ']') + "}");
        QVERIFY2(deep.find("p.luthier: not a valid project file (nested deeper than 256 levels)") == 0, deep.c_str());
        QVERIFY(parse(R"([1, 2])").find("not a Luthier project") != std::string::npos);
        const std::string newer = parse(R"({"format": "luthier-project", "version": 7})");
        QVERIFY2(newer.find("newer Luthier (project format version 7") != std::string::npos, newer.c_str());
        QVERIFY(parse(R"({"format": "luthier-project"})").find("version: missing") != std::string::npos);
        const std::string bits
            = parse(R"({"format": "luthier-project", "version": 1, "overrides": {"fc1": {"weightBits": 40}}})");
        QVERIFY2(bits.find("overrides.fc1.weightBits: 40 is outside 1..16") != std::string::npos, bits.c_str());
        const std::string inputBits
            = parse(R"({"format": "luthier-project", "version": 1, "compiler": {"inputBits": 70}})");
        QVERIFY2(inputBits.find("compiler.inputBits: 70 is outside 2..32") != std::string::npos, inputBits.c_str());
        const std::string type
            = parse(R"({"format": "luthier-project", "version": 1, "overrides": {"fc1": {"weightBits": "three"}}})");
        QVERIFY2(type.find("overrides.fc1.weightBits: expected an integer, found string") != std::string::npos,
            type.c_str());
        const std::string tmpl
            = parse(R"({"format": "luthier-project", "version": 1, "overrides": {"fc1": {"template": "magic"}}})");
        QVERIFY2(tmpl.find("\"magic\" is not one of tlmac, unrolled") != std::string::npos, tmpl.c_str());
        const std::string rect = parse(
            R"({"format": "luthier-project", "version": 1, "constraints": {"pblocks": {"c": {"col0": 5, "row0": 0, "col1": 2, "row1": 1}}}})");
        QVERIFY2(rect.find("constraints.pblocks.c: the rectangle's end lies before its start") != std::string::npos,
            rect.c_str());

        const std::string missing = test::errorOf([] { project::loadProject("/nonexistent/x.luthier"); });
        QVERIFY(missing.find("/nonexistent/x.luthier: cannot open") == 0);
    }

    void failedSaveLeavesNoFile()
    {
        project::Project p;
        const std::string message = test::errorOf([&] { project::saveProject(p, "/nonexistent-dir/p.luthier"); });
        QVERIFY(message.find("cannot write project file") != std::string::npos);
        QVERIFY(!fs::exists("/nonexistent-dir"));
    }
};

QTEST_GUILESS_MAIN(TestProjectFile)
#include "test_project_file.moc"
