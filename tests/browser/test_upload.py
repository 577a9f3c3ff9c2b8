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


WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def upload_file(page, name: str, content: bytes) -> None:
    page.get_by_label("Prospects file (CSV or XLSX)").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_role("button", name="Submit").click()


def both_widths(page, screenshot, name: str) -> None:
    screenshot(f"{name}-1366")
    page.set_viewport_size(PHONE)
    screenshot(f"{name}-390")
    page.set_viewport_size(WIDE)


def test_every_problem_of_every_row_at_once_and_the_template_alone_imports_nothing(
    page, demo_data, screenshot
):
    page.set_viewport_size(WIDE)
    log_in(page, "admin@acme-msp.example")
    page.goto("/prospects/upload/")
    expect(page.get_by_text("the upload skips it")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download template (CSV)").click()
    template = open(download.value.path(), "rb").read()

    # The template as downloaded: its example row is not a prospect.
    upload_file(page, "prospects-template.csv", template)
    expect(page.get_by_role("alert")).to_contain_text(
        "The file holds only the template's example row (row 2), which is never imported"
    )
    expect(page.locator("table.errors")).to_have_count(0)
    expect(page.get_by_text("created")).to_have_count(0)
    both_widths(page, screenshot, "upload-template-unchanged")

    # Two rows with several problems each: all of them at once, by row then column.
    past = (datetime.date.today() - datetime.timedelta(days=3)).isoformat()
    first = {
        **prospect("Northwind Traders", "hooli.example", users="10"),
        "Sector": "Mining",
        "Expected Provision Date": past,
        "Product A1 Seats": "12",
    }
    second = {
        **prospect("Quillfeather Publishing Limited", "quill_feather.example", users="lots"),
        "Secondary Implementation Contact E-mail": "lead@acme-msp.example",
    }
    page.get_by_role("link", name="Upload another file").click()
    upload_file(page, "prospects.csv", filled_in(template, [first, second]))

    expect(page.get_by_role("alert")).to_contain_text("8 problems found; nothing was imported.")
    rows = page.locator("table.errors tbody tr")
    expect(rows).to_have_count(8)
    listed = [
        tuple(cells.split("\t")[:2])
        for cells in rows.evaluate_all(
            "rows => rows.map(r => [...r.cells].map(c => c.innerText).join('\\t'))"
        )
    ]
    assert listed == [
        ("2", "Company Name"),
        ("2", "Domain"),
        ("2", "Sector"),
        ("2", "Expected Provision Date"),
        ("2", "Product A1 Seats"),
        ("3", "Domain"),
        ("3", "Secondary Implementation Contact E-mail"),
        ("3", "Permitted Users"),
    ]
    errors = page.locator("table.errors")
    expect(errors).to_contain_text("Channel conflict")
    expect(errors).not_to_contain_text("Globex")
    expect(errors).to_contain_text("At most the 10 permitted users.")
    with page.expect_download() as error_file:
        page.get_by_role("link", name="Download the list of problems (CSV)").click()
    lines = open(error_file.value.path(), encoding="utf-8-sig").read().splitlines()
    assert [tuple(line.split(",")[:2]) for line in lines[1:]] == listed
    both_widths(page, screenshot, "upload-all-problems")

    # Every listed problem fixed: nothing new appears, the rows are imported.
    first.update(
        {
            "Company Name": "Northwind Traders Europe Limited",
            "Domain": "northwind-eu.example",
            "Sector": "Retail",
            "Expected Provision Date": "",
            "Product A1 Seats": "10",
        }
    )
    second.update(
        {
            "Domain": "quillfeather.example",
            "Secondary Implementation Contact E-mail": "",
            "Permitted Users": "40",
        }
    )
    page.get_by_role("link", name="Upload another file").click()
    upload_file(page, "prospects-fixed.csv", filled_in(template, [first, second]))
    expect(page.get_by_role("status").filter(has_text="created")).to_contain_text(
        "2 prospects created, 0 updated."
    )


def saved_as_csv_in_europe(template: bytes, rows: list[dict]) -> bytes:
    """The template as a spreadsheet in a day/month, decimal-comma region saves it as CSV:
    separated by semicolons, in Windows-1252, dates and numbers as the cells show them."""
    header = next(csv.reader(io.StringIO(template.decode("utf-8-sig"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=";")
    writer.writeheader()
    for values in rows:
        writer.writerow({column: values.get(column, "") for column in header})
    return out.getvalue().encode("cp1252")


def regional_screenshots(page, screenshot, name: str) -> None:
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        screenshot(f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_file_saved_as_csv_in_a_regional_format_is_asked_about_once(page, demo_data, screenshot):
    from portal.accounts.models import User
    from portal.companies.models import Company

    next_year = datetime.date.today().year + 1
    log_in(page, "admin@acme-msp.example")
    page.get_by_role("link", name="Upload Prospects").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download template (CSV)").click()
    template = open(download.value.path(), "rb").read()
    rows = [
        prospect("Zürich Rückversicherung Beispiel", "zurich-re.example", "1.250")
        | {"Expected Provision Date": f"03/04/{next_year}"},
        prospect("Lyon Équipements Beispiel", "lyon-equipements.example", "80")
        | {"Expected Provision Date": f"05/06/{next_year}"},
    ]
    file = {
        "name": "prospects.csv",
        "mimeType": "text/csv",
        "buffer": saved_as_csv_in_europe(template, rows),
    }
    page.get_by_label("Prospects file (CSV or XLSX)").set_input_files(files=[file])
    page.get_by_role("button", name="Submit").click()

    # Both read two ways and nothing in the file settles them: asked, nothing imported.
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(f"Dates like 03/04/{next_year} (row 2")
    expect(alert).to_contain_text("can be read with a decimal point or a decimal comma")
    dates = page.get_by_role("group", name="Dates like 03/04/2027 are")
    numbers = page.get_by_role("group", name="Numbers like 1,250 or 1.250 are written with")
    expect(dates).to_contain_text("Choose one: the file you uploaded can be read either way.")
    expect(numbers).to_contain_text("Choose one")
    assert not Company.objects.filter(domain="zurich-re.example").exists()
    regional_screenshots(page, screenshot, "upload-asks-regional-format")

    # Answered, and Submit: the kept file is imported, not chosen again.
    expect(page.get_by_text("prospects.csv is imported again with your answers")).to_be_visible()
    dates.get_by_label("Day first: 03/04/2027 is 3 April 2027").check()
    numbers.get_by_label("1.250 is one thousand two hundred and fifty").check()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("status").filter(has_text="created")).to_contain_text(
        "2 prospects created, 0 updated."
    )
    regional_screenshots(page, screenshot, "upload-regional-format-done")
    zurich = Company.objects.get(domain="zurich-re.example")
    assert zurich.expected_provision_date == datetime.date(next_year, 4, 3)
    assert zurich.permitted_users == 1250
    admin = User.objects.get(email="admin@acme-msp.example")
    assert (admin.upload_date_order, admin.upload_decimal_mark) == ("dmy", ",")

    # The next upload offers the answers kept.
    page.get_by_role("link", name="Upload another file").click()
    expect(page.get_by_label("Day first: 03/04/2027 is 3 April 2027")).to_be_checked()
    expect(page.get_by_label("1.250 is one thousand two hundred and fifty")).to_be_checked()
