"""Fixtures of the browser tests (`make e2e`, tools/e2e.sh).

tools/e2e.sh starts Odoo on a fresh copy of the demo database and passes its
URL in E2E_ODOO_URL (database in E2E_DB). Playwright drives Debian's
chromium (E2E_CHROMIUM, /usr/bin/chromium by default): no browser download.
Screenshots go to e2e/screenshots/ (git-ignored), numbered in the order taken;
a failing test leaves FAILED_<test>.png there too.
"""
import os
import re
import time
import xmlrpc.client
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

ODOO_URL = os.environ.get("E2E_ODOO_URL", "").rstrip("/")
DB = os.environ.get("E2E_DB", "e2e_run")
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
LOGIN = PASSWORD = "admin"
SHOTS = Path(__file__).resolve().parent / "screenshots"
VIEWPORT = {"width": 1400, "height": 900}
# The first page of the web client compiles its assets (lessc): be patient
# with navigations, strict with everything else.
NAVIGATION_TIMEOUT = 120000
ACTION_TIMEOUT = 30000
MENU_ROOT = "customer_management.customer_management_menu_root"
expect.set_options(timeout=ACTION_TIMEOUT)


def exact(text):
    """A regex matching exactly `text` (whitespace-trimmed) for has_text=."""
    return re.compile(r"^\s*%s\s*$" % re.escape(text))


def squash(text):
    return " ".join((text or "").split())


# ------------------------------------------------------------- XML-RPC ----
class Rpc(object):
    """execute_kw as admin on the test database: rpc("res.partner", "read", ids)."""

    def __init__(self, url, db, login, password):
        self.db, self.password = db, password
        common = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common")
        self.uid = common.authenticate(db, login, password, {})
        assert self.uid, "XML-RPC login %s/%s refused on %s" % (login, password, db)
        self.models = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object")

    def __call__(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["model", "res_id"],
        )
        return rows[0]["res_id"] if rows else False

    def selection_labels(self, model, field):
        desc = self(model, "fields_get", [field], attributes=["selection"])
        return dict(desc[field]["selection"])


# ------------------------------------------------------------ web client --
class OdooWeb(object):
    """Small helpers over Odoo 11's web client DOM (top app menu, left
    sub-menu, control panel, kanban/list/form views, dialogs)."""

    def __init__(self, page, shooter):
        self.page = page
        self.shot = shooter
        # Requests in flight (the bus's long-polling excepted), for wait_idle.
        self.pending = set()
        self.last_activity = time.monotonic()
        page.on("request", self._request_started)
        page.on("requestfinished", self._request_done)
        page.on("requestfailed", self._request_done)

    def _request_started(self, request):
        if "/longpolling/" not in request.url:
            self.pending.add(request)
            self.last_activity = time.monotonic()

    def _request_done(self, request):
        if request in self.pending:
            self.pending.discard(request)
            self.last_activity = time.monotonic()

    def wait_idle(self, quiet=0.3, timeout=ACTION_TIMEOUT / 1000.0):
        """Wait until no request has been in flight for `quiet` seconds: the
        web client often renders a view, then reloads it (e.g. the kanban once
        the search view applied its default group-by); acting in between
        would click on a DOM about to be replaced."""
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            if not self.pending and now - self.last_activity >= quiet:
                return
            assert now < deadline, "requests still running: %s" % [
                r.url for r in self.pending
            ]
            self.page.wait_for_timeout(50)

    def login(self, login=LOGIN, password=PASSWORD):
        page = self.page
        page.goto("%s/web/login?db=%s" % (ODOO_URL, DB))
        page.fill("input#login", login)
        page.fill("input#password", password)
        page.click(".oe_login_buttons button[type=submit]")

    def wait_client(self):
        """The backend web client is up: top menu and user menu rendered."""
        expect(self.page.locator(".oe_application_menu_placeholder")).to_be_visible(
            timeout=NAVIGATION_TIMEOUT
        )
        expect(self.page.locator(".oe_topbar_name")).to_be_visible()

    def goto_backend(self):
        self.page.goto(ODOO_URL + "/web")
        self.wait_client()

    def open_app(self, root_xmlid=MENU_ROOT):
        page = self.page
        app = page.locator(
            '.oe_application_menu_placeholder a[data-menu-xmlid="%s"]' % root_xmlid
        )
        if not app.is_visible():
            # Too many apps for the bar: the rest sits under "More".
            page.click("#menu_more_container > a.dropdown-toggle")
        app.click()
        expect(page.locator(".o_sub_menu")).to_be_visible()

    def open_menu(self, leaf_xmlid, title, root_xmlid=MENU_ROOT):
        """Click an app, then one of its left menu entries; wait for the
        action whose breadcrumb is `title`."""
        self.open_app(root_xmlid)
        self.page.click('.o_sub_menu a[data-menu-xmlid="%s"]' % leaf_xmlid)
        self.wait_breadcrumb(title)
        self.wait_idle()

    def wait_breadcrumb(self, title):
        active = self.page.locator(".o_control_panel .breadcrumb li.active")
        expect(active).to_have_text(exact(title))

    # kanban
    def kanban_column(self, title):
        page = self.page
        return page.locator(".o_kanban_view .o_kanban_group").filter(
            has=page.locator(".o_column_title", has_text=exact(title))
        )

    def kanban_card(self, scope, name):
        return scope.locator(".o_kanban_record").filter(
            has=self.page.locator(".o_kanban_record_title", has_text=exact(name))
        )

    def wait_kanban(self):
        groups = self.page.locator(".o_kanban_view .o_kanban_group")
        expect(groups.first).to_be_visible()
        self.wait_idle()

    # form
    def wait_form(self, title=None):
        expect(self.page.locator(".o_form_view")).to_be_visible()
        if title:
            self.wait_breadcrumb(title)
        self.wait_idle()

    def dialog(self):
        return self.page.locator(".modal-dialog").last


# --------------------------------------------------------------- fixtures --
def pytest_runtest_makereport(item, call):
    if call.when == "call":
        item.e2e_failed = call.excinfo is not None


@pytest.fixture(scope="session")
def odoo_url():
    if not ODOO_URL:
        pytest.skip("E2E_ODOO_URL is not set: run the browser tests with `make e2e`")
    return ODOO_URL


@pytest.fixture(scope="session")
def rpc(odoo_url):
    return Rpc(odoo_url, DB, LOGIN, PASSWORD)


@pytest.fixture(scope="session")
def screenshots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in list(SHOTS.glob("*.png")) + list(SHOTS.glob("*.pdf")):
        old.unlink()
    return SHOTS


@pytest.fixture(scope="session")
def browser(odoo_url):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


def _new_context(browser, **kwargs):
    context = browser.new_context(
        viewport=VIEWPORT, locale="en-US", accept_downloads=True, **kwargs
    )
    context.set_default_timeout(ACTION_TIMEOUT)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT)
    return context


@pytest.fixture(scope="session")
def admin_state(browser, odoo_url):
    """Cookies of a logged-in admin session, shared by the tests."""
    context = _new_context(browser)
    web = OdooWeb(context.new_page(), None)
    web.login()
    web.wait_client()
    state = context.storage_state()
    context.close()
    return state


class Shooter(object):
    count = 0

    def __init__(self, page, folder):
        self.page, self.folder = page, folder

    def __call__(self, name):
        Shooter.count += 1
        path = self.folder / ("%02d_%s.png" % (Shooter.count, name))
        self.page.screenshot(path=str(path))
        return path


def _page_fixture(request, context, screenshots):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    shooter = Shooter(page, screenshots)
    yield OdooWeb(page, shooter)
    if getattr(request.node, "e2e_failed", False):
        page.screenshot(path=str(screenshots / ("FAILED_%s.png" % request.node.name)))
    context.close()
    assert not errors, "JavaScript errors in the page: %s" % errors


@pytest.fixture
def anon_web(request, browser, screenshots):
    """A fresh browser context, not logged in."""
    yield from _page_fixture(request, _new_context(browser), screenshots)


@pytest.fixture
def web(request, browser, admin_state, screenshots):
    """A browser context logged in as admin, on the backend's home page."""
    gen = _page_fixture(
        request, _new_context(browser, storage_state=admin_state), screenshots
    )
    odoo_web = next(gen)
    odoo_web.goto_backend()
    yield odoo_web
    for _ in gen:
        pass
