# Shared helpers for the azd hooks in this folder. Sourced, not run. Plain bash 3.2+ (macOS too).
# Settings (environment): FER_HOOK_RETRIES (default 12), FER_HOOK_RETRY_DELAY seconds (default 15).

hook_name="$(basename "$0")"

log() {
  printf '%s: %s\n' "$hook_name" "$*" >&2
}

die() {
  printf '%s: error: %s\n' "$hook_name" "$*" >&2
  exit 1
}

# require_env NAME...: every variable must be set and non-empty (azd exports its outputs to hooks).
require_env() {
  local name value missing=""
  for name in "$@"; do
    eval "value=\${$name:-}"
    [ -n "$value" ] || missing="$missing $name"
  done
  [ -z "$missing" ] || die "missing environment variable(s):$missing. Run this hook through azd (azd provision / azd deploy / azd up), or export the values shown by 'azd env get-values'."
}

require_cmd() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed or not on PATH. $2"
}

# Azure CLI: logged in, and pointed at the azd environment's subscription when azd knows it.
az_sub_args=()
if [ -n "${AZURE_SUBSCRIPTION_ID:-}" ]; then
  az_sub_args=(--subscription "$AZURE_SUBSCRIPTION_ID")
fi

azs() {
  az "$@" ${az_sub_args[@]+"${az_sub_args[@]}"}
}

require_az_login() {
  require_cmd az "Install the Azure CLI; the hooks use it for what Bicep cannot do."
  azs account show --output none >/dev/null 2>&1 \
    || die "the Azure CLI is not logged in (or cannot see subscription ${AZURE_SUBSCRIPTION_ID:-<default>}). Run 'az login': 'azd auth login' does not log in the Azure CLI."
}

# retry DESCRIPTION COMMAND...: runs COMMAND until it succeeds, FER_HOOK_RETRIES times at most.
# Role assignments take minutes to reach the storage data plane, and a freshly deployed function
# app needs a moment before its keys exist; both surface as failures that pass with time.
retry() {
  local what="$1" attempt=1 attempts="${FER_HOOK_RETRIES:-12}" delay="${FER_HOOK_RETRY_DELAY:-15}" err
  shift
  err="$(mktemp)"
  while :; do
    if "$@" 2>"$err"; then
      rm -f "$err"
      return 0
    fi
    if [ "$attempt" -ge "$attempts" ]; then
      log "$what failed after $attempt attempt(s):"
      sed 's/^/    /' "$err" >&2
      rm -f "$err"
      return 1
    fi
    log "$what failed (attempt $attempt of $attempts), retrying in ${delay}s: $(head -n 1 "$err")"
    attempt=$((attempt + 1))
    sleep "$delay"
  done
}

# json_get FILE FILTER: a string from a JSON file, with jq or python3 (FILTER is a jq path such as
# .version). Prints nothing when the value is missing or not a string.
json_get() {
  local file="$1" filter="$2"
  if command -v jq >/dev/null 2>&1; then
    jq -r "$filter | strings" "$file"
  elif command -v python3 >/dev/null 2>&1; then
    python3 - "$file" "$filter" <<'PY'
import json, sys
value = json.load(open(sys.argv[1], encoding="utf-8"))
for key in sys.argv[2].lstrip(".").split("."):
    value = value.get(key) if isinstance(value, dict) else None
if isinstance(value, str):
    print(value)
PY
  else
    die "reading $file needs jq or python3; install one of them."
  fi
}
