# chromium.sh - headless Chromium for the HTML tests (sourced).  Every
# name but the loopback address of the server under test resolves to
# nothing, so a page that asked the network could not reach it; the net
# log shows whether it asked.
#   browse OUT.png|OUT.pdf|- URL [WIDTHxHEIGHT] [NETLOG]
#       a screenshot, a print to PDF, or (for -) the DOM on stdout
#   page_requests NETLOG                 : the http(s) URLs a page asked for
chromium_bin=$(command -v chromium || command -v chromium-browser || true)
browse () {
    local shot=$1 url=$2 size=${3:-1280x2400} net=${4:-/dev/null}
    local profile
    profile=$(mktemp -d)
    local args=(--no-sandbox --headless=new --disable-gpu --hide-scrollbars
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" --disable-background-networking
                --disable-component-update --disable-sync --no-first-run --disable-extensions
                "--user-data-dir=$profile" "--window-size=${size/x/,}")
    [ "$net" != /dev/null ] && args+=("--log-net-log=$net")
    if [ "${shot%.pdf}" != "$shot" ]; then
        timeout -k 5 60 "$chromium_bin" "${args[@]}" --no-pdf-header-footer "--print-to-pdf=$shot" "$url" >/dev/null 2>&1
    elif [ "$shot" = - ]; then
        timeout -k 5 60 "$chromium_bin" "${args[@]}" --dump-dom "$url" 2>/dev/null
    else
        timeout -k 5 60 "$chromium_bin" "${args[@]}" "--screenshot=$shot" "$url" >/dev/null 2>&1
    fi
    local rc=$?
    rm -rf "$profile"
    return $rc
}
# Chromium's own background requests carry no origin ("not an origin"); a
# page's requests carry the page's origin ("null" for a file).
page_requests () {
    python3 - "$1" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
seen = set()
for e in log.get("events", []):
    p = e.get("params") or {}
    url = str(p.get("url", ""))
    if "method" in p and url.startswith(("http:", "https:")) and p.get("initiator") != "not an origin":
        seen.add(url)
for u in sorted(seen):
    print(u)
PY
}
