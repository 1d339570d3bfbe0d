#pragma once
// Light and dark palettes on the Fusion style, so the workbench looks the same on every platform and
// the graph, legend and plots (which read the palette) follow the choice.

#include <QString>

namespace luthier::widgets {

enum class Theme { System, Light, Dark };

void applyTheme(Theme theme);
Theme themeFromString(const QString& name); // "light", "dark", anything else: System
QString toString(Theme theme);

} // namespace luthier::widgets
