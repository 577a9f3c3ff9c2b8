import csv
import datetime
import io

from playwright.sync_api import expect

from .conftest import log_in


def filled_in(template: bytes, rows: list[dict]) -> bytes:
    """The downloaded CSV template with our rows instead of its example row."""
    header = next(csv.reader(io.StringIO(template.decode("utf-8-sig"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    for values in rows:
        writer.writerow({column: values.get(column, "") for column in header})
    return out.getvalue().encode()


def prospect(name: str, domain: str, users: str = "120") -> dict:
    return {
        "Company Type": "End customer",
        "Company Name": name,
        "Domain": domain,
        "Sector": "Legal",
        "Implementation Lead E-mail": "lead@acme-msp.example",
        "Expected Provision Date": (
            datetime.date.today() + datetime.timedelta(days=20)
        ).isoformat(),
        "Permitted Users": users,
        "Product S1": "Yes",
    }


def test_template_then_a_bad_row_then_the_fixed_file(page, demo_data, screenshot):
    log_in(page, "admin@acme-msp.example")
    page.get_by_role("link", name="Upload Prospects").click()
    expect(page.get_by_role("heading", name="Upload Prospects")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download template (CSV)").click()
    template = open(download.value.path(), "rb").read()
    screenshot("upload")

    good = [
        prospect("Quillfeather Publishing Limited", "quillfeather.example"),
        prospect("Quartzline Analytics Limited", "quartzline.example"),
    ]
    bad = [good[0], prospect("Quartzline Analytics Limited", "quartzline.example", "lots")]
    page.get_by_label("Prospects file (CSV or XLSX)").set_input_files(
        files=[
            {"name": "prospects.csv", "mimeType": "text/csv", "buffer": filled_in(template, bad)}
        ]
    )
    page.get_by_role("button", name="Submit").click()

    expect(page.get_by_role("alert")).to_contain_text("1 problem found; nothing was imported.")
    expect(page.locator("table.errors tbody tr")).to_have_count(1)
    expect(page.locator("table.errors")).to_contain_text("Permitted Users")
    screenshot("upload-errors")

    page.get_by_role("link", name="Upload another file").click()
    page.get_by_label("Prospects file (CSV or XLSX)").set_input_files(
        files=[
            {
                "name": "prospects-fixed.csv",
                "mimeType": "text/csv",
                "buffer": filled_in(template, good),
            }
        ]
    )
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("status").filter(has_text="created")).to_contain_text(
        "2 prospects created, 0 updated."
    )
    screenshot("upload-done")

    page.get_by_role("link", name="See them in the Prospect List").click()
    page.get_by_label("Search Prospects").fill("Qu")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("link", name="Quillfeather Publishing Limited")).to_be_visible()
    expect(page.get_by_role("link", name="Quartzline Analytics Limited")).to_be_visible()
