# Sourced helper (no side effects): content hash of the addon, to tell when a
# database built from it (e.g. the e2e template) is stale.
#   . tools/addon_hash.sh
#   addon_content_hash ROOT [FOLDER ...]   # FOLDERs (relative to ROOT) are skipped
# Hashes *.py, *.xml, *.csv, *.po* under the checkout (.odoo-dev and .git
# excluded); callers may also skip folders that Odoo never loads into a
# database (tests/, e2e/, bench/, tools/), so that editing a test does not force
# a rebuild. Used by tools/dev.sh (make run) and tools/e2e.sh.

addon_content_hash() {
    local root="$1"
    shift
    local prune=(-path ./.odoo-dev -prune -o -path ./.git -prune)
    local folder
    for folder in "$@"; do
        prune+=(-o -path "./${folder%/}" -prune)
    done
    (cd "$root" && find . "${prune[@]}" -o -type f \
        \( -name '*.py' -o -name '*.xml' -o -name '*.csv' -o -name '*.po*' \) -print0 \
        | LC_ALL=C sort -z | xargs -0 sha1sum | sha1sum | cut -d' ' -f1)
}
