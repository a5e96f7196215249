"""Form behaviour shared by every page."""

from __future__ import annotations


class DescribedErrorsMixin:
    """Point each invalid field's ``aria-describedby`` at its error text (and help text).

    Screen readers then read the error when the field gets focus (WCAG 3.3.1). The
    ids match the shared field template ``_field.html``.
    """

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                ids = [f"{self[name].auto_id}_error"]
                if self.fields[name].help_text:
                    ids.append(f"{self[name].auto_id}_helptext")
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)
