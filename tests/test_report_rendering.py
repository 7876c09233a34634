"""PDF reports with the company header and footer, one record or several at
once, whatever wkhtmltopdf the machine has
(models/ir_actions_report_unpatched_wkhtmltopdf.py)."""

import io
import os
import shutil
import stat
import tempfile
from unittest.mock import patch

from PyPDF2 import PdfFileReader, PdfFileWriter

from odoo.tools import config

from odoo.addons.base.ir.ir_actions_report import IrActionsReport as CoreReport

from ..models import ir_actions_report_unpatched_wkhtmltopdf as inline
from .common import CustomerCase, SalesCase, pdf_to_text

COMPANY_PHONE = "+1 555 0142"
PROFILE = "customer_management.action_report_customer_profile"
INVOICES = "account.account_invoices"

HEADER_DOCUMENT = """<base href=http://localhost:8069>
<!DOCTYPE html>
<html style="height: 0;"><head><script>function subst() {}</script></head>
<body class="container" onload="subst()">
<div id="minimal_layout_report_headers"><div class="header"><strong>ACME One</strong>
</div><!-- a comment --><div class="header o_clean_header"><div class="row">
<div class="col-xs-6">ACME Two</div><div class="col-xs-1"><ul class="list-inline">
<li><span class="page"></span></li><li>/</li><li><span class="topage"></span></li>
</ul></div></div></div></div>
</body></html>"""

FOOTER_DOCUMENT = """<!DOCTYPE html><html><body>
<div id="minimal_layout_report_footers"><div class="footer"><div class="text-center">
<ul class="list-inline"><li>Phone: <span>+1 555 0100</span></li></ul>
<div class="text-muted">Page: <span class="page"></span> / <span class="topage"></span>
</div></div></div></div></body></html>"""

BODY = b"""<base href=http://localhost:8069>
<!DOCTYPE html>
<html><head><meta charset="utf-8"/></head>
<body class="container" onload="subst()"><div class="article"><p>Body</p></div>
</body></html>"""


def blank_pdf(*widths):
    """A PDF of blank pages of these widths (points)."""
    writer = PdfFileWriter()
    for width in widths:
        writer.addBlankPage(width, 842)
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()


def page_widths(pdf):
    reader = PdfFileReader(io.BytesIO(pdf))
    return [int(reader.getPage(i).mediaBox.getWidth()) for i in range(reader.numPages)]


class TestInlineHeaderHelpers(CustomerCase):
    """The header and footer taken apart and put into the bodies, with plain
    HTML; wkhtmltopdf itself replaced by a stub."""

    def test_split_headers_and_footers(self):
        headers = inline.split_layout_parts(HEADER_DOCUMENT, inline.HEADERS_ID)
        self.assertEqual(len(headers), 2)  # the comment is no header
        self.assertTrue(headers[0].startswith('<div class="header">'))
        self.assertIn("ACME One", headers[0])
        self.assertNotIn("ACME Two", headers[0])
        self.assertIn("ACME Two", headers[1])
        # The page numbers go (a page's flow has none), with their block only.
        self.assertNotIn('class="page"', headers[1])
        self.assertNotIn('class="topage"', headers[1])
        self.assertNotIn("list-inline", headers[1])
        self.assertIn('<div class="col-xs-6">ACME Two</div>', headers[1])
        footers = inline.split_layout_parts(FOOTER_DOCUMENT.encode(), inline.FOOTERS_ID)
        self.assertEqual(len(footers), 1)
        self.assertIn("Phone: <span>+1 555 0100</span>", footers[0])
        self.assertNotIn("Page:", footers[0])
        self.assertNotIn("text-muted", footers[0])
        # No header document, or one without headers.
        self.assertEqual(inline.split_layout_parts(None, inline.HEADERS_ID), [])
        self.assertEqual(inline.split_layout_parts(b"", inline.HEADERS_ID), [])
        self.assertEqual(
            inline.split_layout_parts(FOOTER_DOCUMENT, inline.HEADERS_ID), []
        )
        empty = '<html><body><div id="%s"></div></body></html>' % inline.HEADERS_ID
        self.assertEqual(inline.split_layout_parts(empty, inline.HEADERS_ID), [])

    def test_pick_and_inline_parts(self):
        self.assertEqual(inline.pick_layout_part(["a", "b"], 1), "b")
        self.assertEqual(inline.pick_layout_part(["a"], 2), "a")  # the only one
        self.assertIsNone(inline.pick_layout_part([], 0))
        self.assertIsNone(inline.pick_layout_part(["a", "b"], 2))
        body = inline.inline_layout_parts(BODY, "<div>HEAD</div>", "<div>FOOT</div>")
        self.assertRegex(
            body.decode(),
            r'onload="subst\(\)"><div class="o_inline_report_header"[^>]*>'
            r"<div>HEAD</div></div><div class=\"article\">",
        )
        self.assertRegex(
            body.decode(),
            r"</div>\n<div class=\"o_inline_report_footer\"[^>]*><div>FOOT</div>"
            r"</div></body></html>$",
        )
        self.assertEqual(inline.inline_layout_parts(BODY), BODY)

    def _run(self, unpatched, bodies, header=None, footer=None, **kwargs):
        calls = []

        def core(report, bodies, header=None, footer=None, **kwargs):
            calls.append(dict(kwargs, bodies=bodies, header=header, footer=footer))
            return blank_pdf(*[100 + len(calls)] * len(bodies))

        with patch.object(inline, "_unpatched_qt", unpatched), patch.object(
            CoreReport, "_run_wkhtmltopdf", autospec=True, side_effect=core
        ):
            pdf = self.env["ir.actions.report"]._run_wkhtmltopdf(
                bodies, header=header, footer=footer, **kwargs
            )
        return pdf, calls

    def test_patched_wkhtmltopdf_keeps_core_behaviour(self):
        args = {"data-report-margin-top": "30"}
        pdf, calls = self._run(
            False,
            [BODY, BODY],
            HEADER_DOCUMENT.encode(),
            FOOTER_DOCUMENT.encode(),
            landscape=True,
            specific_paperformat_args=args,
        )
        self.assertEqual(len(calls), 1)
        self.assertEqual(calls[0]["bodies"], [BODY, BODY])
        self.assertEqual(calls[0]["header"], HEADER_DOCUMENT.encode())
        self.assertEqual(calls[0]["footer"], FOOTER_DOCUMENT.encode())
        self.assertEqual(calls[0]["specific_paperformat_args"], args)
        self.assertTrue(calls[0]["landscape"])
        self.assertEqual(page_widths(pdf), [101, 101])

    def test_unpatched_wkhtmltopdf_one_run_per_body(self):
        args = {"data-report-margin-top": "30", "data-report-dpi": "110"}
        pdf, calls = self._run(
            True,
            [BODY, BODY.replace(b"Body", b"Second")],
            HEADER_DOCUMENT.encode(),
            FOOTER_DOCUMENT.encode(),
            specific_paperformat_args=args,
            set_viewport_size=True,
        )
        self.assertEqual(len(calls), 2)
        for call, (name, text) in zip(
            calls, (("ACME One", b"Body"), ("ACME Two", b"Second"))
        ):
            self.assertEqual(len(call["bodies"]), 1)
            self.assertIsNone(call["header"])
            self.assertIsNone(call["footer"])
            self.assertTrue(call["set_viewport_size"])
            self.assertEqual(
                call["specific_paperformat_args"],
                {
                    "data-report-margin-top": inline.INLINE_HEADER_MARGIN_TOP,
                    "data-report-dpi": "110",
                },
            )
            body = call["bodies"][0].decode()
            self.assertIn(name, body)
            self.assertIn(text.decode(), body)
            # Header before the article, the (only) footer after it.
            self.assertLess(body.index(name), body.index('class="article"'))
            self.assertGreater(body.index("+1 555 0100"), body.index('class="article"'))
        self.assertNotIn("ACME Two", calls[0]["bodies"][0].decode())
        self.assertEqual(args["data-report-margin-top"], "30")  # not changed
        # Merged in the order of the bodies.
        self.assertEqual(page_widths(pdf), [101, 102])

    def test_unpatched_without_header_keeps_the_margin(self):
        pdf, calls = self._run(True, [BODY], None, None)
        self.assertEqual(len(calls), 1)
        self.assertEqual(calls[0]["bodies"], [BODY])
        self.assertEqual(calls[0]["specific_paperformat_args"], {})
        self.assertEqual(page_widths(pdf), [101])

    def test_switch_forces_or_skips_the_fallback(self):
        param = self.env["ir.config_parameter"].sudo()
        self.assertEqual(param.get_param(inline.FALLBACK_PARAM), "auto")
        param.set_param(inline.FALLBACK_PARAM, "off")
        _pdf, calls = self._run(True, [BODY, BODY])  # detected, switched off
        self.assertEqual([len(call["bodies"]) for call in calls], [2])
        param.set_param(inline.FALLBACK_PARAM, "on")
        _pdf, calls = self._run(False, [BODY, BODY])  # not detected, forced
        self.assertEqual([len(call["bodies"]) for call in calls], [1, 1])

    def test_version_detection(self):
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)

        def fake(name, output):
            path = os.path.join(folder, name)
            with open(path, "w", encoding="utf-8") as script:
                script.write("#!/bin/sh\necho '%s'\n" % output)
            os.chmod(path, stat.S_IRWXU)
            return path

        self.assertTrue(inline.read_unpatched_qt(fake("debian", "wkhtmltopdf 0.12.6")))
        self.assertFalse(
            inline.read_unpatched_qt(
                fake("patched", "wkhtmltopdf 0.12.6 (with patched qt)")
            )
        )
        self.assertFalse(inline.read_unpatched_qt(fake("other", "not it")))
        self.assertFalse(inline.read_unpatched_qt(os.path.join(folder, "missing")))
        # Asked once per process.
        with patch.object(inline, "_unpatched_qt", None), patch.object(
            inline.ir_actions_report,
            "_get_wkhtmltopdf_bin",
            return_value=fake("cached", "wkhtmltopdf 0.12.6"),
        ) as binary:
            self.assertTrue(inline.wkhtmltopdf_unpatched())
            self.assertTrue(inline.wkhtmltopdf_unpatched())
            self.assertEqual(binary.call_count, 1)


class TestReportRendering(SalesCase):
    """Real PDFs from the machine's wkhtmltopdf (without a server the styles
    do not load; the text is all there)."""

    @classmethod
    def setUpClass(cls):
        super(TestReportRendering, cls).setUpClass()
        cls.company.write({"phone": COMPANY_PHONE})
        # Nothing listens there: wkhtmltopdf gives up on the styles at once.
        cls.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        cls.customer_a = cls._create_customer("RND Alpha Trading")
        cls.customer_b = cls._create_customer("RND Beta Supplies")

    def setUp(self):
        super(TestReportRendering, self).setUp()
        for tool in ("wkhtmltopdf", "pdftotext"):
            if not shutil.which(tool):
                self.skipTest("%s is not installed" % tool)
        # In test mode render_qweb_pdf answers HTML unless a test report
        # directory is set (11.0 has no force_report_rendering).
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        patcher = patch.dict(config.options, {"test_report_directory": folder})
        patcher.start()
        self.addCleanup(patcher.stop)

    def _pdf_pages(self, report_xmlid, records):
        content, report_type = self.env.ref(report_xmlid).render_qweb_pdf(records.ids)
        self.assertEqual(report_type, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        page_count = PdfFileReader(io.BytesIO(content)).numPages
        self.assertGreater(page_count, 0, "wkhtmltopdf printed an empty PDF")
        text = pdf_to_text(content)
        pages = [" ".join(page.split()) for page in text.split("\f")[:-1]]
        self.assertEqual(len(pages), page_count)
        return pages

    def test_two_invoices_at_once(self):
        invoices = self._invoice(
            self.customer_a, 1234.0, "2024-03-01", "2024-03-31"
        ) | self._invoice(self.customer_b, 567.0, "2024-03-02", "2024-04-01")
        pages = self._pdf_pages(INVOICES, invoices)
        self.assertEqual(len(pages), 2)
        for page, invoice, customer in zip(
            pages, invoices, ("RND Alpha Trading", "RND Beta Supplies")
        ):
            self.assertIn(invoice.number, page)
            self.assertIn(customer, page)
            self.assertIn(self.company.name, page)  # the header
            self.assertIn(COMPANY_PHONE, page)  # the footer
        self.assertNotIn(invoices[1].number, pages[0])
        self.assertIn("1,234.00", pages[0])
        self.assertIn("567.00", pages[1])

    def test_one_profile_sheet(self):
        pages = self._pdf_pages(PROFILE, self.customer_a)
        self.assertEqual(len(pages), 1)
        self.assertIn("RND Alpha Trading", pages[0])
        self.assertIn("Customer profile", pages[0])
        self.assertIn(self.company.name, pages[0])
        self.assertIn(COMPANY_PHONE, pages[0])
        # The page numbers of the footer are gone, not left blank.
        self.assertNotIn("Page:", pages[0])

    def test_profile_sheets_one_page_per_customer(self):
        pages = self._pdf_pages(PROFILE, self.customer_a | self.customer_b)
        self.assertEqual(len(pages), 2)
        for page, name in zip(pages, ("RND Alpha Trading", "RND Beta Supplies")):
            self.assertIn(name, page)
            self.assertIn(self.company.name, page)
        self.assertNotIn("RND Beta Supplies", pages[0])
