"""Input of the account pages; the rules themselves live in services (password validators, lockout)."""

from __future__ import annotations

from django import forms

from renda.core.errors import Invalid


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码", strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password = forms.CharField(label="新密码", strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password_again = forms.CharField(label="再次输入新密码", strip=False,
                                         widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password_again") and \
                data["new_password"] != data["new_password_again"]:
            self.add_error("new_password_again", "两次输入的新密码不一致")
        return data

    def add_domain_errors(self, exc: Invalid) -> None:
        for field, messages in (exc.fields or {"__all__": [exc.message]}).items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
