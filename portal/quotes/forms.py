from django import forms

from portal.core.text import Form, ModelForm

from .branding import MAX_BYTES
from .models import QuoteBranding


class AcceptForm(Form):
    name = forms.CharField(label="Your name", max_length=200)
    title = forms.CharField(label="Your title", max_length=200)
    agree = forms.BooleanField(label="I accept this quote on behalf of the company named in it")


class DeclineForm(Form):
    comment = forms.CharField(
        label="Why not? (optional)", max_length=2000, required=False, widget=forms.Textarea
    )
    name = forms.CharField(label="Your name", max_length=200, required=False)


class BrandingForm(ModelForm):
    logo_file = forms.FileField(
        label="Logo",
        required=False,
        help_text=f"A PNG or JPEG of at most {MAX_BYTES // 1024} KB; it is shown at most "
        "600 × 200 pixels.",
    )
    remove_logo = forms.BooleanField(label="Remove the logo", required=False)

    class Meta:
        model = QuoteBranding
        fields = ["name", "address"]
        widgets = {"address": forms.Textarea(attrs={"rows": 4})}
