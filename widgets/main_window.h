#pragma once

#include <QMainWindow>

namespace luthier::widgets {

// The workbench's main window. For now it only frames the panels that later stages add.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

} // namespace luthier::widgets
