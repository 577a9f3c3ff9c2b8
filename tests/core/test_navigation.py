import pytest

from portal.core import navigation


@pytest.fixture
def menu(monkeypatch):
    def use(entries):
        monkeypatch.setattr(navigation, "MENU", entries)
        navigation._available.cache_clear()

    yield use
    navigation._available.cache_clear()


def test_menu_shows_only_pages_that_exist(menu, acme_sales):
    menu(
        [
            ("Prospects", [("Home page", "home", False), ("Not built yet", "nowhere:x", False)]),
            ("Customers", [("Not built either", "nowhere:y", False)]),
        ]
    )

    assert navigation.menu_for(acme_sales) == [("Prospects", [("Home page", "/")])]


def test_admin_only_entries_are_hidden_from_sales(menu, acme_sales, acme_admin):
    menu([("Users", [("Users", "home", True)])])

    assert navigation.menu_for(acme_sales) == []
    assert navigation.menu_for(acme_admin) == [("Users", [("Users", "/")])]


def test_vendor_staff_get_no_msp_menu(menu, staff):
    menu([("Prospects", [("Home page", "home", False)])])

    assert navigation.menu_for(staff) == []


def test_every_menu_entry_names_a_page():
    assert navigation.menu_check() == []


def test_a_mistyped_menu_entry_fails_the_system_check(menu):
    menu([("Prospects", [("Prospect List", "prospects:lsit", False)])])

    errors = navigation.menu_check()

    assert [error.id for error in errors] == ["core.E001"]
    assert "Prospects | Prospect List" in errors[0].msg
    assert "'prospects:lsit'" in errors[0].msg


def test_the_menu_check_runs_with_the_system_checks():
    from django.core import checks

    assert navigation.menu_check in checks.registry.registry.get_checks()
