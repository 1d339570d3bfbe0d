#include "main_window.h"

namespace luthier::widgets {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("Luthier"));
    resize(1600, 1000);
}

} // namespace luthier::widgets
