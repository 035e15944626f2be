#!/usr/bin/env bash
# azd postprovision hook: publish the demo model so that a fresh deployment classifies at once.
#
# The publishing itself is `fer model publish` (functions/Fer.Cli, ModelStore.PublishAsync), the one
# implementation: models/demo -> models/fer/<version>/..., then, with --promote, fer/current.json.
# Versions are immutable there: the same model again uploads nothing, a different model under a
# published version is an error. This hook only decides whether to promote: when nothing is
# promoted yet or the pointer already names the demo version, so re-running azd never demotes a
# model promoted since. FER_PROMOTE_DEMO_MODEL=true moves the pointer back to the demo model anyway.
#
# Environment (azd outputs): AZURE_STORAGE_ACCOUNT_NAME; optional FER_DEMO_MODEL_DIR (default
# <repo>/models/demo). Needs the .NET SDK (it builds fer once, in Release). fer reaches the account
# with DefaultAzureCredential (your `azd auth login` or `az login`): the deploying user holds Storage
# Blob Data Contributor (infra/modules/roles.bicep); shared keys are disabled on the account.
set -euo pipefail

hooks_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$hooks_dir/../.." && pwd)"
# shellcheck source=common.sh
. "$hooks_dir/common.sh"

require_env AZURE_STORAGE_ACCOUNT_NAME
account="$AZURE_STORAGE_ACCOUNT_NAME"
model_dir="${FER_DEMO_MODEL_DIR:-$repo_root/models/demo}"

[ -d "$model_dir" ] || die "demo model folder not found: $model_dir (expected model.onnx and manifest.json; set FER_DEMO_MODEL_DIR to use another folder)."
[ -f "$model_dir/manifest.json" ] || die "$model_dir/manifest.json is missing: a model version folder needs model.onnx and manifest.json."
version="$(json_get "$model_dir/manifest.json" .version)" \
  || die "$model_dir/manifest.json is not valid JSON."
[ -n "$version" ] || die "$model_dir/manifest.json has no string \"version\"."

require_cmd dotnet "Install the .NET SDK (global.json): the hook publishes with the fer CLI."
project="$repo_root/functions/Fer.Cli"
log "building fer ($project)"
dotnet build "$project" -c Release --nologo -v quiet >&2 || die "could not build fer ($project)."

fer() {
  dotnet run --project "$project" -c Release --no-build -- "$@"
}

# Data-plane roles can take minutes to apply after provisioning: retry the first read. Once it
# passes, the same role lets fer write.
listing="$(retry "listing of $account/models" fer model list --account "$account")" \
  || die "cannot read $account/models. Does your account hold Storage Blob Data Contributor on it (azd passes AZURE_PRINCIPAL_ID)?"
current="$(printf '%s\n' "$listing" | tr -d '\r' | sed -n 's/^\* //p' | head -n 1)"

promote=()
if [ -z "$current" ] || [ "$current" = "$version" ] || [ "${FER_PROMOTE_DEMO_MODEL:-false}" = "true" ]; then
  promote=(--promote)
else
  log "models/fer/current.json names $current, not the demo model $version: left as it is (FER_PROMOTE_DEMO_MODEL=true to switch back to the demo model)"
fi

log "publishing the demo model $version from $model_dir to $account/models"
fer model publish "$model_dir" ${promote[@]+"${promote[@]}"} --account "$account" >&2 \
  || die "could not publish $model_dir to $account/models (fer's message is above)."
