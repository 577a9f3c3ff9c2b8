"""The answers the Infrastructure Information drop-downs start with; vendor staff keep them in
admin from then on. "Not Known" and "Other" are added by the form, not stored."""

from django.db import migrations

DEFAULTS = {
    "mail_server": [
        "Microsoft 365 / Exchange Online",
        "Microsoft Exchange Server 2019",
        "Microsoft Exchange Server 2016",
        "Google Workspace",
        "HCL Domino",
        "Zimbra",
    ],
    "archive_solution": [
        "None",
        "Microsoft 365 Archiving",
        "Veritas Enterprise Vault",
        "Barracuda Message Archiver",
        "Vendor Cloud Archive",
    ],
    "security_msp": ["Fortinet FortiGate", "Palo Alto Networks", "Cisco", "SonicWall", "Sophos"],
    "security_on_premise": [
        "None",
        "Fortinet FortiGate",
        "Palo Alto Networks",
        "Cisco",
        "SonicWall",
        "Sophos",
        "WatchGuard",
    ],
    "continuity": ["None", "Vendor Continuity", "Backup MX", "Microsoft 365 only"],
    "citrix": ["Yes", "No"],
    "ad_environment": [
        "On-premises Active Directory",
        "Microsoft Entra ID (cloud only)",
        "Hybrid (Entra Connect)",
        "No directory",
    ],
    "two_factor": [
        "None",
        "Microsoft Authenticator",
        "Duo",
        "Okta Verify",
        "Google Authenticator",
    ],
}
EDITIONS = {
    "Windows Server": [
        "2022 Standard",
        "2022 Datacenter",
        "2019 Standard",
        "2019 Datacenter",
        "2016 Standard",
    ],
    "Linux": ["Red Hat Enterprise Linux 9", "Ubuntu Server 24.04 LTS", "Debian 12"],
    "None (cloud hosted)": [],
}


def add_defaults(apps, schema_editor):
    Choice = apps.get_model("orders", "InfrastructureChoice")
    for question, labels in DEFAULTS.items():
        for position, label in enumerate(labels):
            Choice.objects.get_or_create(
                question=question, server_os=None, label=label, defaults={"position": position}
            )
    for position, (os_label, editions) in enumerate(EDITIONS.items()):
        os, _ = Choice.objects.get_or_create(
            question="server_os", server_os=None, label=os_label, defaults={"position": position}
        )
        for order, label in enumerate(editions):
            Choice.objects.get_or_create(
                question="server_os_edition",
                server_os=os,
                label=label,
                defaults={"position": order},
            )


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
