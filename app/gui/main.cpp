// The Luthier workbench. `luthier [PATH]` opens a .luthier project or imports an .onnx model.

#include "main_window.h"
#include "theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QTimer>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Luthier"));
    QApplication::setOrganizationName(QStringLiteral("Luthier"));
    QApplication::setApplicationVersion(QStringLiteral(LUTHIER_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("luthier"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("LUT-network workbench for FPGA soft logic"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("path"), QStringLiteral("A .luthier project or an .onnx model to open"),
        QStringLiteral("[path]"));
    parser.process(app);

    using namespace luthier::widgets;
    applyTheme(themeFromString(QSettings().value(QStringLiteral("theme")).toString()));
    MainWindow window;
    window.show();
    // After the event loop starts, so an error box appears over the shown window. Recovery is offered after
    // the requested file is open, so recovering asks first whether to save that file's changes.
    const QStringList args = parser.positionalArguments();
    QTimer::singleShot(0, &window, [&window, args] {
        if (!args.isEmpty()) window.openPath(args.front());
        window.offerRecovery();
    });
    return app.exec();
}
