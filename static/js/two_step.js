// Passkeys: once django-otp-webauthn's script has registered one, show the page again with it
// listed (the script only reports success).
document.addEventListener("otp_webauthn.register_complete", () => window.location.reload());
