#!/usr/bin/env bash
# `make i18n`: regenerate i18n/customer_management.pot from the module as
# installed in a fresh database (no demo data). The exporter walks the module
# folder for Python and QWeb terms; the checkout also holds .odoo-dev (the
# venv: all of Odoo), so the files git knows of (tracked or not ignored) are
# copied to a clean folder first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEV="$ROOT/.odoo-dev"
DB="${I18N_DB:-customer_i18n}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

bash "$ROOT/tools/dev.sh" setup
mkdir -p "$WORK/addons/customer_management"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$WORK/addons/customer_management")
core="$("$DEV/venv/bin/python" -c 'import os, odoo.addons.base as b; print(os.path.dirname(os.path.dirname(b.__file__)))')"
sed "s|^addons_path = .*|addons_path = $core,$WORK/addons|" "$DEV/odoo.conf" > "$WORK/odoo.conf"
odoo() { "$DEV/venv/bin/python" "$ROOT/tools/odoo_bin.py" -c "$WORK/odoo.conf" "$@"; }

/usr/lib/postgresql/15/bin/dropdb -h "$DEV/pgrun" -U odoo --if-exists "$DB"
odoo -d "$DB" -i customer_management --without-demo=all --stop-after-init --log-level=warn
# A .po name without a language gives the template (.pot).
odoo -d "$DB" --i18n-export="$WORK/template.po" --modules=customer_management \
    --stop-after-init --log-level=warn
mkdir -p "$ROOT/i18n"
cp "$WORK/template.po" "$ROOT/i18n/customer_management.pot"
/usr/lib/postgresql/15/bin/dropdb -h "$DEV/pgrun" -U odoo --if-exists "$DB"
echo "i18n/customer_management.pot: $(grep -c '^msgid' "$ROOT/i18n/customer_management.pot") terms"
