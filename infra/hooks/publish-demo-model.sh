#!/usr/bin/env bash
# azd postprovision hook: publish the demo model so that a fresh deployment classifies at once.
#
#   models/demo/{model.onnx,manifest.json}  ->  models/fer/<version>/model.onnx
#                                               models/fer/<version>/manifest.json
#                                               models/fer/current.json = {"version":"<version>"}  (last)
#
# Idempotent: a version folder already in storage is left as it is (versions are immutable; a
# different size under the same version is an error), and the pointer is written only when there is
# none or it already names the demo version, so re-running azd never demotes a model promoted since.
# FER_PROMOTE_DEMO_MODEL=true moves the pointer back to the demo model anyway.
#
# Environment (azd outputs): AZURE_STORAGE_ACCOUNT_NAME; optional AZURE_SUBSCRIPTION_ID,
# FER_MODELS_CONTAINER (default models), FER_DEMO_MODEL_DIR (default <repo>/models/demo).
# Uses `az storage blob ... --auth-mode login`: the deploying user holds Storage Blob Data
# Contributor (infra/modules/roles.bicep); shared keys are disabled on the account.
set -euo pipefail

hooks_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$hooks_dir/../.." && pwd)"
# shellcheck source=common.sh
. "$hooks_dir/common.sh"

require_env AZURE_STORAGE_ACCOUNT_NAME
account="$AZURE_STORAGE_ACCOUNT_NAME"
container="${FER_MODELS_CONTAINER:-models}"
model_dir="${FER_DEMO_MODEL_DIR:-$repo_root/models/demo}"

[ -d "$model_dir" ] || die "demo model folder not found: $model_dir (expected model.onnx and manifest.json; set FER_DEMO_MODEL_DIR to use another folder)."
for file in model.onnx manifest.json; do
  [ -f "$model_dir/$file" ] || die "$model_dir/$file is missing: a model version folder needs model.onnx and manifest.json."
done

version="$(json_get "$model_dir/manifest.json" .version)" \
  || die "$model_dir/manifest.json is not valid JSON."
[ -n "$version" ] || die "$model_dir/manifest.json has no string \"version\"."
case "$version" in
  *[!A-Za-z0-9._-]* | [._-]*)
    die "version \"$version\" in $model_dir/manifest.json is not a safe blob folder name (letters, digits, '.', '_', '-')."
    ;;
esac

expected_sha="$(json_get "$model_dir/manifest.json" .onnx.sha256)"
if [ -n "$expected_sha" ]; then
  actual_sha="$(sha256_of "$model_dir/model.onnx")"
  [ "$actual_sha" = "$expected_sha" ] \
    || die "model.onnx does not match its manifest: sha256 $actual_sha, manifest says $expected_sha. Re-export the model folder."
fi

require_az_login

blob_exists() {
  local result
  result="$(azs storage blob exists --auth-mode login --account-name "$account" \
    --container-name "$container" --name "$1" --query exists --output tsv)" || return 1
  # Git Bash on Windows: the CLI ends lines with CR LF.
  printf '%s\n' "${result%$'\r'}"
}

blob_size() {
  local result
  result="$(azs storage blob show --auth-mode login --account-name "$account" \
    --container-name "$container" --name "$1" --query properties.contentLength --output tsv)" || return 1
  printf '%s\n' "${result%$'\r'}"
}

upload() {
  local file="$1" name="$2" content_type="$3"
  retry "upload of $container/$name" \
    azs storage blob upload --auth-mode login --account-name "$account" \
      --container-name "$container" --name "$name" --file "$file" \
      --content-type "$content_type" --overwrite true --no-progress --output none
}

file_size() {
  wc -c <"$1" | tr -d ' '
}

log "publishing the demo model $version from $model_dir to $account/$container"

# 1. The version folder. Data-plane roles can take minutes to apply after provisioning: retry.
for file in model.onnx manifest.json; do
  name="fer/$version/$file"
  exists="$(retry "check of $container/$name" blob_exists "$name")" \
    || die "cannot read $account/$container. Does your account hold Storage Blob Data Contributor on it (azd passes AZURE_PRINCIPAL_ID)?"
  if [ "$exists" = "true" ]; then
    remote_size="$(retry "size of $container/$name" blob_size "$name")" || die "cannot read the properties of $container/$name."
    local_size="$(file_size "$model_dir/$file")"
    [ "$remote_size" = "$local_size" ] \
      || die "$container/$name already exists with $remote_size bytes, the local file has $local_size. Model versions are immutable: give the model a new version."
    log "$container/$name is already there"
    continue
  fi
  case "$file" in
    *.json) content_type=application/json ;;
    *) content_type=application/octet-stream ;;
  esac
  upload "$model_dir/$file" "$name" "$content_type" || die "could not upload $container/$name."
  log "uploaded $container/$name"
done

# 2. The pointer, last: readers switch only once the whole version is in place.
pointer="fer/current.json"
current=""
exists="$(retry "check of $container/$pointer" blob_exists "$pointer")" || die "cannot read $container/$pointer."
if [ "$exists" = "true" ]; then
  tmp="$(mktemp)"
  retry "download of $container/$pointer" \
    azs storage blob download --auth-mode login --account-name "$account" \
      --container-name "$container" --name "$pointer" --file "$tmp" --no-progress --output none \
    || die "could not download $container/$pointer."
  current="$(json_get "$tmp" .version)" || current=""
  rm -f "$tmp"
fi

if [ "$current" = "$version" ]; then
  log "$container/$pointer already names $version: nothing to do"
  exit 0
fi
if [ -n "$current" ] && [ "${FER_PROMOTE_DEMO_MODEL:-false}" != "true" ]; then
  log "$container/$pointer names $current, not the demo model $version: left as it is (FER_PROMOTE_DEMO_MODEL=true to switch back to the demo model)"
  exit 0
fi

tmp="$(mktemp)"
printf '{"version":"%s"}\n' "$version" >"$tmp"
upload "$tmp" "$pointer" application/json || { rm -f "$tmp"; die "could not write $container/$pointer."; }
rm -f "$tmp"
log "$container/$pointer now names $version"
