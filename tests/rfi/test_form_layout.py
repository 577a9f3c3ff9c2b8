"""The RFI form's domain and host name fields take two columns of the form, so that a long name
shows whole."""

import re


def test_domain_and_host_fields_are_wide(client, form_path):
    html = client.get(form_path).content.decode()

    wide = re.findall(r'<div class="field field-wide">\s*<label for="id_(\w+)"', html)
    assert wide == ["additional_domains", "inbound_hosts", "outbound_smarthost"]
