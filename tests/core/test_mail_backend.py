from django.core.mail import EmailMessage

from portal.core.mail_backends import EmlFileBackend


def test_demo_mail_is_written_as_eml_files(settings, tmp_path):
    settings.EMAIL_FILE_PATH = tmp_path

    EmlFileBackend().send_messages([EmailMessage("Hello", "Body", "a@x.test", ["b@x.test"])])

    [written] = tmp_path.glob("*.eml")
    assert b"Subject: Hello" in written.read_bytes()
