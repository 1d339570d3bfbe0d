#include "main_window.h"

#include <QApplication>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Luthier"));
    QApplication::setOrganizationName(QStringLiteral("Luthier"));
    QApplication::setApplicationVersion(QStringLiteral(LUTHIER_VERSION));
    luthier::widgets::MainWindow window;
    window.show();
    return app.exec();
}
