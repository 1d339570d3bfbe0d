#pragma once
// Editors that ignore the mouse wheel until the user has clicked or tabbed into them. The Inspector scrolls; a
// wheel turn over a combo or spin box passing under the pointer used to change the layer's template or bit-width,
// one undo step per notch. Ignored, the wheel event goes on to the scroll area around the editors.

#include <QWheelEvent>

namespace luthier::widgets {

template <class Editor> class FocusWheel : public Editor {
public:
    explicit FocusWheel(QWidget* parent)
        : Editor(parent)
    {
        this->setFocusPolicy(Qt::StrongFocus); // not WheelFocus: a wheel turn alone never selects the editor
    }

protected:
    void wheelEvent(QWheelEvent* event) override
    {
        if (this->hasFocus())
            Editor::wheelEvent(event);
        else
            event->ignore();
    }
};

} // namespace luthier::widgets
