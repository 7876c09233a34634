"""Company header and footer, and several records at once, with an unpatched
wkhtmltopdf.

Odoo 11 hands wkhtmltopdf the company header and footer as --header-html and
--footer-html files and each record as an HTML file of its own; a wkhtmltopdf
built on an unpatched Qt (Debian's) ignores the former and fails on the
latter, so reports lose the company layout and printing several records gives
an empty PDF without any error. With such a binary every record is printed on
its own, its header and footer written into the page as ordinary content, and
the PDFs are merged in order; a patched binary keeps Odoo's behaviour.

This touches every report of the database, not only the module's. The system
parameter ``customer_management.wkhtmltopdf_fallback`` switches it: ``auto``
(the default) asks the binary once per process and logs the answer, ``on``
and ``off`` force it.
"""

import io
import logging
import re
import subprocess

import lxml.html
from PyPDF2 import PdfFileReader, PdfFileWriter

from odoo import _, api, models
from odoo.exceptions import UserError

from odoo.addons.base.ir import ir_actions_report

_logger = logging.getLogger(__name__)

FALLBACK_PARAM = "customer_management.wkhtmltopdf_fallback"

# Whether the wkhtmltopdf binary is built on an unpatched Qt: None until it has
# been asked, once per process.
_unpatched_qt = None

# Top margin (mm) of a page whose header is part of the body: the paperformat's
# top margin makes room for a running header that an unpatched Qt cannot print.
INLINE_HEADER_MARGIN_TOP = 10

HEADERS_ID = "minimal_layout_report_headers"
FOOTERS_ID = "minimal_layout_report_footers"
# The page numbers of the layouts (span.page, span.topage): only wkhtmltopdf's
# running headers and footers fill them in.
PAGE_NUMBER_XPATH = (
    ".//*[contains(concat(' ', normalize-space(@class), ' '), ' page ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' topage ')]"
)
BODY_OPEN = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
BODY_CLOSE = re.compile(rb"</body\s*>", re.IGNORECASE)
INLINE_HEADER = '<div class="o_inline_report_header" style="margin-bottom: 16px;">'
INLINE_FOOTER = (
    '<div class="o_inline_report_footer"'
    ' style="margin-top: 16px; page-break-inside: avoid;">'
)


def read_unpatched_qt(binary):
    """True when ``binary --version`` answers without "with patched qt" (the
    patched builds print e.g. "wkhtmltopdf 0.12.6 (with patched qt)"); False
    for a patched binary and for one that cannot be run (Odoo's own code
    reports that one)."""
    try:
        process = subprocess.run(
            [binary, "--version"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    output = process.stdout + process.stderr
    return b"wkhtmltopdf" in output and b"patched qt" not in output.lower()


def wkhtmltopdf_unpatched():
    """Whether Odoo's wkhtmltopdf is built on an unpatched Qt (cached)."""
    global _unpatched_qt  # pylint: disable=global-statement
    if _unpatched_qt is None:
        try:
            binary = ir_actions_report._get_wkhtmltopdf_bin()
        except (OSError, IOError):
            _unpatched_qt = False
        else:
            _unpatched_qt = read_unpatched_qt(binary)
            _logger.info(
                "%s is built on %s Qt: %s (system parameter %s: auto).",
                binary,
                "an unpatched" if _unpatched_qt else "a patched",
                "reports are printed one record at a time, their header and "
                "footer in the page"
                if _unpatched_qt
                else "Odoo prints reports as usual",
                FALLBACK_PARAM,
            )
    return _unpatched_qt


def _is_page_number(element):
    return bool({"page", "topage"} & set((element.get("class") or "").split()))


def _is_page_number_block(element):
    """Nothing but page numbers and their labels ("Page: 1 / 2") inside."""
    for child in element.iterdescendants():
        if not isinstance(child.tag, str):
            continue  # comments
        if _is_page_number(child) or child.xpath(PAGE_NUMBER_XPATH):
            continue
        if re.search(r"\w", child.text_content()):
            return False
    return True


def remove_page_numbers(part):
    """Drop from ``part`` (an lxml element) its page numbers with the smallest
    enclosing block that holds nothing else: in a page's flow they would stay
    blank ("Page:  / ")."""
    for number in part.xpath(PAGE_NUMBER_XPATH):
        node = number
        while (
            node.getparent() is not None
            and node.getparent() is not part
            and _is_page_number_block(node.getparent())
        ):
            node = node.getparent()
        if node.getparent() is not None:  # not gone with an earlier number
            node.drop_tree()
    return part


def split_layout_parts(html, container_id):
    """The parts of the header (or footer) document that ``_prepare_html``
    builds: the children of its ``div#container_id``, one per document
    (``div.header`` / ``div.footer`` of the layout), as HTML strings without
    their page numbers. ``html``: bytes or str; [] when there is none."""
    if not html:
        return []
    if isinstance(html, bytes):
        html = html.decode("utf-8")
    root = lxml.html.document_fromstring(html)
    containers = root.xpath("//div[@id=$id]", id=container_id)
    if not containers:
        return []
    parts = []
    for child in containers[0]:
        if not isinstance(child.tag, str):
            continue
        remove_page_numbers(child)
        parts.append(lxml.html.tostring(child, encoding="unicode", with_tail=False))
    return parts


def pick_layout_part(parts, index):
    """The header (footer) of the ``index``-th body: one per body when the
    layout gave several, else the only one; None when there is none."""
    if index < len(parts):
        return parts[index]
    if len(parts) == 1:
        return parts[0]
    return None


def inline_layout_parts(body, header=None, footer=None):
    """``body`` (bytes, a document of web.minimal_layout) with ``header`` at
    the top of its <body> and ``footer`` at the end, as ordinary content."""
    if header:
        match = BODY_OPEN.search(body)
        if match:
            html = (INLINE_HEADER + header + "</div>").encode("utf-8")
            body = body[: match.end()] + html + body[match.end() :]
    if footer:
        matches = list(BODY_CLOSE.finditer(body))
        if matches:
            start = matches[-1].start()
            html = (INLINE_FOOTER + footer + "</div>").encode("utf-8")
            body = body[:start] + html + body[start:]
    return body


def merge_pdfs(pdfs):
    """One PDF of the pages of ``pdfs`` (bytes), in order."""
    if len(pdfs) == 1:
        return pdfs[0]
    writer = PdfFileWriter()
    streams = [io.BytesIO(pdf) for pdf in pdfs]
    for stream in streams:
        writer.appendPagesFromReader(PdfFileReader(stream))
    result = io.BytesIO()
    writer.write(result)
    return result.getvalue()


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _use_unpatched_wkhtmltopdf_fallback(self):
        """The switch: on, off, or auto (asks the binary)."""
        mode = self.env["ir.config_parameter"].sudo().get_param(FALLBACK_PARAM, "auto")
        if mode in ("on", "off"):
            return mode == "on"
        return wkhtmltopdf_unpatched()

    @api.model
    def _run_wkhtmltopdf(  # pylint: disable=too-many-arguments
        self,
        bodies,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        """With an unpatched wkhtmltopdf: one run per body, its header and
        footer inlined (and a small top margin when it has a header), the
        PDFs merged in the order of ``bodies``."""
        if not bodies or not self._use_unpatched_wkhtmltopdf_fallback():
            return super(IrActionsReport, self)._run_wkhtmltopdf(
                bodies,
                header=header,
                footer=footer,
                landscape=landscape,
                specific_paperformat_args=specific_paperformat_args,
                set_viewport_size=set_viewport_size,
            )
        headers = split_layout_parts(header, HEADERS_ID)
        footers = split_layout_parts(footer, FOOTERS_ID)
        pdfs = []
        for index, body in enumerate(bodies):
            body_header = pick_layout_part(headers, index)
            paperformat_args = dict(specific_paperformat_args or {})
            if body_header:
                paperformat_args["data-report-margin-top"] = INLINE_HEADER_MARGIN_TOP
            pdf = super(IrActionsReport, self)._run_wkhtmltopdf(
                [
                    inline_layout_parts(
                        body, body_header, pick_layout_part(footers, index)
                    )
                ],
                landscape=landscape,
                specific_paperformat_args=paperformat_args,
                set_viewport_size=set_viewport_size,
            )
            if not pdf:
                raise UserError(
                    _("Wkhtmltopdf printed nothing for document %(num)s of %(count)s.")
                    % {"num": index + 1, "count": len(bodies)}
                )
            pdfs.append(pdf)
        return merge_pdfs(pdfs)
