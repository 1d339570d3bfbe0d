// Model names are untrusted text: module names become [a-z0-9_] identifiers that never start with a digit,
// stay unique, and comments in the emitted Verilog cannot be closed by a name.

#include "arch/hw_design.h"
#include "named_dense_chain.h"
#include "rtl/verilog_emitter.h"

#include <QtTest/QtTest>
#include <regex>
#include <set>
#include <sstream>

using namespace luthier;

class TestRtlNames : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sanitisedUniqueIdentifiers()
    {
        const test::NamedDenseChain chain(
            "9 evil*/model", { "input", "1st layer */ endmodule", "1st layer */ endmodule", "wire" });
        const arch::HwDesign design = arch::mapDesign(chain.ints, {});
        const std::regex identifier("[a-z_][a-z0-9_]*");
        std::set<std::string> names { design.top };
        QVERIFY(std::regex_match(design.top, identifier));
        for (const auto& layer : design.layers) {
            QVERIFY2(std::regex_match(layer.module, identifier), layer.module.c_str());
            QVERIFY(names.insert(layer.module).second);
        }
        QCOMPARE(design.layers[0].module, std::string("l_1st_layer_endmodule"));
        QCOMPARE(design.layers[1].module, std::string("l_1st_layer_endmodule_2"));
        QCOMPARE(design.layers[2].module, std::string("wire_l")); // a Verilog keyword gets a suffix
        QCOMPARE(design.top, std::string("l_9_evil_model_top"));
        for (const auto& file : rtl::emitDesign(design))
            if (file.name.size() > 2 && file.name.substr(file.name.size() - 2) == ".v") {
                // Names only appear in // comments, which a name cannot end (no newline, no "*/"): every line
                // mentioning endmodule is either a comment or the module's own end.
                QVERIFY(file.contents.find("*/") == std::string::npos);
                std::istringstream lines(file.contents);
                std::string line;
                int ends = 0;
                const std::regex endToken("\\bendmodule\\b");
                while (std::getline(lines, line))
                    if (std::regex_search(line, endToken) && line.rfind("//", 0) != 0) {
                        QCOMPARE(line, std::string("endmodule"));
                        ++ends;
                    }
                QCOMPARE(ends, 1);
            }
    }
};

QTEST_GUILESS_MAIN(TestRtlNames)
#include "test_rtl_names.moc"
