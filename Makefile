# Developer commands; everything generated goes to .odoo-dev/ (git-ignored).
DEV := tools/dev.sh

.PHONY: run test stop shell setup lint format bench load e2e i18n package clean

run:     ## set up everything, then serve customer_demo on http://localhost:$${ODOO_PORT:-8069}
	@bash $(DEV) run

test:    ## set up everything, fresh test database, run the pytest-odoo suite
	@bash $(DEV) test

stop:    ## stop the Odoo server and the private PostgreSQL
	@bash $(DEV) stop

shell:   ## odoo shell on the demo database
	@bash $(DEV) shell

setup:
	@bash $(DEV) setup

lint:    ## black --check + flake8 + pylint-odoo + XML well-formedness
	@bash tools/lint.sh

format:  ## rewrite the Python files in the repository's one style (black)
	@bash tools/lint.sh format

bench:   ## seed 10k/100k-customer databases (cached templates), time the crons and their floors, confirmation over XML-RPC vs stock, two servers -> bench/results.json
	@bash bench/run.sh

load:    ## Locust, 60 s against --workers=2: the module's database, then stock Odoo's -> bench/results.json
	@bash tools/load.sh

e2e:     ## browser tests: Playwright + Debian's headless chromium on a fresh demo db -> e2e/screenshots/
	@bash tools/e2e.sh

i18n:    ## regenerate i18n/customer_management.pot from a fresh install
	@bash tools/i18n_export.sh

package: ## wheel odoo11-addon-customer_management (setuptools-odoo) -> .odoo-dev/package/dist/
	@bash tools/package.sh

clean: stop
	rm -rf .odoo-dev
