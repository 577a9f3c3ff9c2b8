import csv
import io

HEADER = [
    "Company Type",
    "Company Name",
    "Domain",
    "Website",
    "Sector",
    "Implementation Lead E-mail",
    "Secondary Implementation Contact E-mail",
    "Expected Provision Date",
    "Permitted Users",
    "Product S1",
    "Product A1 Seats",
]


def row(name="Northwind Traders", domain="northwind.example", **changes) -> list:
    values = {
        "Company Type": "End customer",
        "Company Name": name,
        "Domain": domain,
        "Website": "",
        "Sector": "Retail",
        "Implementation Lead E-mail": "admin@acme.test",
        "Secondary Implementation Contact E-mail": "",
        "Expected Provision Date": "",
        "Permitted Users": "250",
        "Product S1": "Yes",
        "Product A1 Seats": "",
    }
    values.update(changes)
    return [values[column] for column in HEADER]


def csv_bytes(rows, header=HEADER, delimiter=",", encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)
