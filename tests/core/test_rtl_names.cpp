// Model names are untrusted text: module names become [a-z0-9_] identifiers that never start with a digit,
// stay unique, and comments in the emitted Verilog cannot be closed by a name.

#include "arch/hw_design.h"
#include "quant/int_graph.h"
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
        ir::Graph source;
        source.name = "9 evil*/model";
        for (const char* name : { "input", "1st layer */ endmodule", "1st layer */ endmodule", "wire" }) {
            ir::Layer l;
            l.name = name;
            source.layers.push_back(l);
        }
        quant::IntGraph g;
        g.source = &source;
        g.inputFormat.bits = 2;
        g.inputFormat.isSigned = false;
        g.inputFormat.minInt = 0;
        g.inputFormat.maxInt = 3;
        quant::IntLayer input;
        input.kind = ir::LayerKind::Input;
        input.source = 0;
        input.outShape = { 4 };
        g.layers.push_back(input);
        for (int i = 1; i <= 3; ++i) {
            quant::IntLayer d;
            d.kind = ir::LayerKind::Dense;
            d.source = i;
            d.inputs = { i - 1 };
            d.outShape = { 4 };
            d.weightShape = { 4, 4 };
            d.weightBits = 2;
            d.weights = { 1, -1, 0, 1, 0, 1, 1, -2, 1, 1, 1, 1, -2, 0, 0, 1 };
            if (i < 3) {
                quant::Thresholds t;
                t.out = g.inputFormat;
                for (int c = 0; c < 4; ++c) {
                    t.direction.push_back(1);
                    t.levels.push_back({ -1, 0, 2 });
                }
                d.requant = t;
            }
            g.layers.push_back(d);
        }
        g.outputs = { 3 };
        const arch::HwDesign design = arch::mapDesign(g, {});
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
