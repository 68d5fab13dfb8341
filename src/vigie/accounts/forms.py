from django import forms
from django.utils.translation import gettext_lazy as _

from vigie.core.models import Organisation


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code shown by your app"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        max_length=8,
        error_messages={"invalid": _("Type the six digits your authenticator app shows.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 8,
            }
        ),
    )


class DisableForm(CodeForm):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ShareForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Share with"), queryset=Organisation.objects.none()
    )
    allow_change = forms.BooleanField(label=_("They may also change it"), required=False)
    note = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, owner_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.exclude(pk=owner_id)


class MemberForm(forms.Form):
    """Give an existing account a role in the organisation."""

    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=())

    def __init__(self, *args, **kwargs):
        from vigie.core.models import Role

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Role.choices
