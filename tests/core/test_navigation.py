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
