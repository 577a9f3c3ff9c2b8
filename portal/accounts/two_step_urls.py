"""Two-step verification: ``sign_in`` under /accounts/two-step/ (the second step of signing
in and the passkey ceremonies), ``manage`` under /profile/two-step/ (the user's settings)."""

from django.urls import include, path

from . import two_step_views as views

sign_in = [
    path("", views.VerifyView.as_view(), name="two_step_verify"),
    path("passkeys/", include("portal.accounts.two_step_passkeys")),
]

manage = [
    path("", views.ManageView.as_view(), name="two_step_manage"),
    path(
        "authenticator/new/",
        views.AuthenticatorStartView.as_view(),
        name="two_step_authenticator_start",
    ),
    path("authenticator/", views.AuthenticatorView.as_view(), name="two_step_authenticator"),
    path(
        "authenticator/remove/",
        views.AuthenticatorRemoveView.as_view(),
        name="two_step_authenticator_remove",
    ),
    path("recovery-codes/", views.RecoveryCodesView.as_view(), name="two_step_recovery_codes"),
    path(
        "passkeys/<int:pk>/remove/",
        views.PasskeyRemoveView.as_view(),
        name="two_step_passkey_remove",
    ),
    path("off/", views.TurnOffView.as_view(), name="two_step_off"),
]
