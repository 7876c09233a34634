"""An Odoo server in a process of its own, on a free loopback port, for the
tests and benchmarks that talk to it as a client does (XML-RPC).

``OdooServer(dbs, options).start()`` returns once the server's log says the
registry of every database in ``dbs`` is loaded (the server preloads them
before it answers: a request sent earlier would wait for the load or, with
workers, hit a worker that loads it again) and the server answers.
"""

import os
import socket
import subprocess
import sys
import time
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# What the credit rule's refusal says (any other fault is an error).
REFUSAL = "cannot be confirmed"
# Logged by odoo.modules.loading at the end of a registry load.
READY_LINE = "odoo.modules.loading: Modules loaded."


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OdooServer:
    """One server process; ``url`` once started. ``options``: more command
    line options (e.g. ``--workers=2``, ``--log-handler=...``)."""

    timeout = 300  # seconds to load the registries

    def __init__(self, config, dbs, log_path, options=()):
        self.config = config
        self.dbs = list(dbs)
        self.log_path = log_path
        self.options = list(options)
        self.port = free_port()
        self.process = None
        self.log = None

    @property
    def url(self):
        return "http://127.0.0.1:%s" % self.port

    def command(self):
        return [
            sys.executable,
            os.path.join(ROOT, "tools", "odoo_bin.py"),
            "-c",
            self.config,
            "-d",
            ",".join(self.dbs),
            "--db-filter=^(%s)$" % "|".join(self.dbs),
            "--http-interface=127.0.0.1",
            "--http-port=%s" % self.port,
            "--longpolling-port=%s" % free_port(),
            "--max-cron-threads=0",
            "--log-level=warn",
            "--log-handler=odoo.modules.loading:INFO",
        ] + self.options

    def start(self, timeout=None):
        """``timeout``: seconds to load the registries (default: the class's)."""
        # Kept open for the server's lifetime; closed by stop().
        # pylint: disable=consider-using-with
        self.log = open(self.log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen(
            self.command(), stdout=self.log, stderr=subprocess.STDOUT
        )
        # pylint: enable=consider-using-with
        try:
            self._wait_ready(timeout or self.timeout)
        except Exception:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout):
        deadline = time.time() + timeout
        while self.log_text().count(READY_LINE) < len(self.dbs):
            if self.process.poll() is not None or time.time() > deadline:
                raise RuntimeError(
                    "the Odoo server did not load %s (log: %s)"
                    % (", ".join(self.dbs), self.log_path)
                )
            time.sleep(0.3)
        while True:
            try:
                xmlrpc.client.ServerProxy(self.url + "/xmlrpc/2/common").version()
                return
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)

    def log_text(self, offset=0):
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            log.seek(offset)
            return log.read()

    def log_size(self):
        return os.path.getsize(self.log_path)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self.log:
            self.log.close()
            self.log = None


class RpcClient:
    """XML-RPC as one user of one database of a server."""

    def __init__(self, url, db, login, password):
        self.url, self.db, self.password = url, db, password
        common = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common")
        self.uid = common.authenticate(db, login, password, {})
        if not self.uid:
            raise RuntimeError("cannot log in as %s on %s" % (login, db))

    def __call__(self, model, method, *args, **kwargs):
        # A proxy per call: callers may share a client between threads.
        proxy = xmlrpc.client.ServerProxy(self.url + "/xmlrpc/2/object")
        return proxy.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )


def confirm_outcome(rpc, order_id):
    """'confirmed', 'refused' (the credit rule's refusal) or the fault."""
    try:
        rpc("sale.order", "action_confirm", [order_id])
        return "confirmed"
    except xmlrpc.client.Fault as fault:
        return "refused" if REFUSAL in fault.faultString else fault.faultString


def stress_confirmations(clients, order_ids, threads=8):
    """Confirm ``order_ids`` in parallel, spread over ``clients`` in turn
    (e.g. one per server): the outcome of each."""
    jobs = [
        (clients[i % len(clients)], order_id) for i, order_id in enumerate(order_ids)
    ]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda job: confirm_outcome(*job), jobs))


def create_orders(rpc, partner_id, product_id, amount, count):
    """``count`` one-line quotations of ``amount`` without taxes."""
    line = {
        "product_id": product_id,
        "product_uom_qty": 1,
        "price_unit": amount,
        "tax_id": [(6, 0, [])],
    }
    return [
        rpc(
            "sale.order",
            "create",
            {"partner_id": partner_id, "order_line": [(0, 0, line)]},
        )
        for _i in range(count)
    ]


def credit_stress(clients, limit, amount, requests, cleanup=True):
    """A customer with ``limit`` (and a contact of it), ``requests`` orders
    of ``amount`` half for each, confirmed in parallel through ``clients`` in
    turn. Returns {'outcomes', 'confirmed' (count), 'total' (confirmed sum)}.
    ``cleanup``: cancel and delete what was made."""
    rpc = clients[0]
    product = rpc(
        "product.product",
        "create",
        {
            "name": "Credit stress item",
            "type": "service",
            "invoice_policy": "order",
            "taxes_id": [(6, 0, [])],
        },
    )
    customer = rpc(
        "res.partner",
        "create",
        {"name": "Credit Stress Customer", "is_company": True, "credit_limit": limit},
    )
    # Orders of a contact count on its commercial partner's credit.
    contact = rpc(
        "res.partner", "create", {"name": "Credit Stress Buyer", "parent_id": customer}
    )
    orders = create_orders(
        rpc, customer, product, amount, requests // 2
    ) + create_orders(clients[-1], contact, product, amount, requests - requests // 2)
    try:
        outcomes = stress_confirmations(clients, orders)
        confirmed = rpc(
            "sale.order",
            "search_read",
            [("id", "in", orders), ("state", "=", "sale")],
            ["amount_total"],
        )
        return {
            "outcomes": outcomes,
            "confirmed": len(confirmed),
            "total": sum(order["amount_total"] for order in confirmed),
        }
    finally:
        if cleanup:
            rpc("sale.order", "action_cancel", orders)
            rpc("sale.order", "unlink", orders)
            rpc("res.partner", "unlink", [contact, customer])
            rpc("product.product", "unlink", [product])
