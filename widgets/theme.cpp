#include "theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

namespace luthier::widgets {

namespace {

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b2d31), base(0x1f2124), text(0xe6e6e6), mid(0x4a4d52), button(0x3a3d42);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8a8d92));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, button);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Light, QColor(0x505358));
    p.setColor(QPalette::Midlight, QColor(0x45484d));
    p.setColor(QPalette::Mid, mid);
    p.setColor(QPalette::Dark, QColor(0x18191b));
    p.setColor(QPalette::Shadow, Qt::black);
    // White on the selection and the selection as an outline on the view both pass WCAG AA (test_theme).
    p.setColor(QPalette::Highlight, QColor(0x2f78bd));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6cb4ff));
    for (QPalette::ColorRole role : { QPalette::WindowText, QPalette::Text, QPalette::ButtonText })
        p.setColor(QPalette::Disabled, role, QColor(0x7a7d82));
    return p;
}

QPalette lightPalette()
{
    QPalette p = QStyleFactory::create(QStringLiteral("Fusion"))->standardPalette();
    p.setColor(QPalette::Window, QColor(0xf3f4f6));
    p.setColor(QPalette::Button, QColor(0xe9ebee));
    p.setColor(QPalette::Highlight, QColor(0x2f6fb3));
    p.setColor(QPalette::PlaceholderText, QColor(0x6b6e73)); // Fusion's half-transparent black is 4.0:1 on white
    return p;
}

} // namespace

void applyTheme(Theme theme)
{
    QApplication::setStyle(QStringLiteral("Fusion"));
    switch (theme) {
    case Theme::Dark:
        QApplication::setPalette(darkPalette());
        break;
    case Theme::Light:
        QApplication::setPalette(lightPalette());
        break;
    case Theme::System:
        QApplication::setPalette(QApplication::style()->standardPalette());
        break;
    }
}

Theme themeFromString(const QString& name)
{
    if (name == QLatin1String("light")) return Theme::Light;
    if (name == QLatin1String("dark")) return Theme::Dark;
    return Theme::System;
}

QString toString(Theme theme)
{
    switch (theme) {
    case Theme::Light:
        return QStringLiteral("light");
    case Theme::Dark:
        return QStringLiteral("dark");
    case Theme::System:
        break;
    }
    return QStringLiteral("system");
}

} // namespace luthier::widgets
