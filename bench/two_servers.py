"""Two servers on one database (``make bench``): two server processes
(``--workers=2`` each, their own ports) on a copy of the module's seeded
template; parallel confirmations for one customer sent to both in turn
(tests/server_process.py's credit_stress, as tests/test_two_servers.py).

Usage: two_servers.py <module template> <results.json>

Merges into results.json: two_server_over_limit (the confirmed amount past
the limit, 0 when it holds), two_server_errors (faults other than the
refusal), two_server_confirmed / two_server_requests.
"""

import os
import sys

import odoo

from rpc_bench import fresh_copy, log, merge_results, server_tools

DB = "bench_two_servers"
LIMIT = 2050.0
AMOUNT = 100.0
REQUESTS = 48


def main():
    template, output = sys.argv[1:3]
    config = os.environ.get(
        "ODOO_RC",
        os.path.join(os.path.dirname(__file__), "..", ".odoo-dev", "odoo.conf"),
    )
    odoo.tools.config.parse_config(["-c", config, "--log-level=warn"])
    tools = server_tools()
    fresh_copy(template, DB)
    servers = []
    try:
        for number in (1, 2):
            log_path = os.path.join(
                odoo.tools.config["data_dir"], "bench_two_servers_%s.log" % number
            )
            servers.append(tools.OdooServer(config, [DB], log_path, ["--workers=2"]))
            servers[-1].start()
        clients = [
            tools.RpcClient(server.url, DB, "admin", "admin") for server in servers
        ]
        result = tools.credit_stress(clients, LIMIT, AMOUNT, REQUESTS, cleanup=False)
    finally:
        for server in servers:
            server.stop()
    outcomes = result["outcomes"]
    errors = [o for o in outcomes if o not in ("confirmed", "refused")]
    results = {
        "two_server_requests": REQUESTS,
        "two_server_confirmed": result["confirmed"],
        "two_server_over_limit": round(max(result["total"] - LIMIT, 0.0), 2),
        "two_server_errors": len(errors),
    }
    log(
        "  two servers, one database: %d parallel confirmations, %d confirmed "
        "(%.2f of a %.2f limit), %d refused, %d other errors%s"
        % (
            REQUESTS,
            result["confirmed"],
            result["total"],
            LIMIT,
            outcomes.count("refused"),
            len(errors),
            (": " + errors[0][:300]) if errors else "",
        )
    )
    merge_results(output, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
