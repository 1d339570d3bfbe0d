#include "format.h"

#include <QStringList>

namespace luthier::widgets {

QString shapeText(const ir::Shape& shape)
{
    if (shape.empty()) return QStringLiteral("scalar");
    QStringList parts;
    for (int64_t d : shape)
        parts << QString::number(d);
    return parts.join(QChar(0x00d7));
}

QString groupedNumber(int64_t value)
{
    QString digits = QString::number(value < 0 ? -value : value);
    for (int i = int(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(i, QChar(0x2009));
    return value < 0 ? QLatin1Char('-') + digits : digits;
}

QString bitsText(int bits, ir::WeightScheme scheme)
{
    if (bits <= 0) return QStringLiteral("float");
    return scheme == ir::WeightScheme::PowerOfTwo ? QStringLiteral("%1 b pow2").arg(bits)
                                                  : QStringLiteral("%1 b").arg(bits);
}

} // namespace luthier::widgets
