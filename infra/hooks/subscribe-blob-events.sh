#!/usr/bin/env bash
# azd postdeploy hook: subscribe the blob-triggered function to BlobCreated events on `faces`.
#
# Bicep creates the Event Grid system topic; this hook creates (or updates) its subscription,
# because the webhook endpoint carries the Functions host's blobs_extension system key, which
# exists only after the code with the blob trigger has been deployed and has started, and Event Grid
# validates the endpoint when the subscription is created.
#
#   endpoint: https://<app host>/runtime/webhooks/blobs?functionName=Host.Functions.<function>&code=<key>
#   events:   Microsoft.Storage.BlobCreated, subject begins with /blobServices/default/containers/faces/
#   dead letters: events Event Grid cannot deliver (a 401/403 after a key rotation is not retried; other
#             failures after its retries) go to the eventgrid-deadletter container, written by the system
#             topic's managed identity (Bicep grants it that container only).
#
# Idempotent: an existing subscription is updated (a rotated key is picked up), never duplicated.
# Environment (azd outputs): AZURE_RESOURCE_GROUP, AZURE_FUNCTION_APP_NAME, AZURE_FUNCTION_APP_HOST,
# AZURE_EVENTGRID_SYSTEM_TOPIC_NAME, AZURE_EVENTGRID_DEADLETTER_CONTAINER_ID; optional AZURE_SUBSCRIPTION_ID, FER_FACES_CONTAINER (faces),
# FER_BLOB_FUNCTION_NAME (ClassifyFace), FER_EVENT_SUBSCRIPTION_NAME (faces-blob-created).
set -euo pipefail

hooks_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
. "$hooks_dir/common.sh"

require_env AZURE_RESOURCE_GROUP AZURE_FUNCTION_APP_NAME AZURE_FUNCTION_APP_HOST AZURE_EVENTGRID_SYSTEM_TOPIC_NAME AZURE_EVENTGRID_DEADLETTER_CONTAINER_ID
group="$AZURE_RESOURCE_GROUP"
app="$AZURE_FUNCTION_APP_NAME"
app_host="$AZURE_FUNCTION_APP_HOST"
topic="$AZURE_EVENTGRID_SYSTEM_TOPIC_NAME"
dead_letter_container="$AZURE_EVENTGRID_DEADLETTER_CONTAINER_ID"
container="${FER_FACES_CONTAINER:-faces}"
function_name="${FER_BLOB_FUNCTION_NAME:-ClassifyFace}"
subscription="${FER_EVENT_SUBSCRIPTION_NAME:-faces-blob-created}"
subject_prefix="/blobServices/default/containers/$container/"
event_type="Microsoft.Storage.BlobCreated"

require_az_login

blobs_extension_key() {
  local key
  key="$(azs functionapp keys list --resource-group "$group" --name "$app" \
    --query systemKeys.blobs_extension --output tsv)" || return 1
  key="${key%$'\r'}"
  if [ -z "$key" ] || [ "$key" = "None" ]; then
    echo "the host has no blobs_extension system key yet" >&2
    return 1
  fi
  printf '%s\n' "$key"
}

log "reading the blobs_extension system key of $app"
key="$(retry "reading the blobs_extension key of $app" blobs_extension_key)" \
  || die "no blobs_extension system key on $app. The key appears once the deployed app has a blob trigger with source EventGrid (function $function_name) and its host has started: check 'azd deploy' succeeded and https://$app_host/api/health answers, then run 'azd hooks run postdeploy'."

endpoint="https://$app_host/runtime/webhooks/blobs?functionName=Host.Functions.$function_name&code=$key"

# The same settings whether the subscription is created or updated (an update brings an old one up to date).
subscription_settings=(
  --system-topic-name "$topic" --name "$subscription"
  --endpoint-type webhook
  --endpoint "$endpoint"
  --included-event-types "$event_type"
  --subject-begins-with "$subject_prefix"
  --deadletter-identity systemassigned
  --deadletter-identity-endpoint "$dead_letter_container"
  --output none
)

if azs eventgrid system-topic event-subscription show --resource-group "$group" \
  --system-topic-name "$topic" --name "$subscription" --output none >/dev/null 2>&1; then
  log "updating event subscription $subscription on $topic"
  retry "update of event subscription $subscription" \
    azs eventgrid system-topic event-subscription update --resource-group "$group" \
      "${subscription_settings[@]}" \
    || die "could not update event subscription $subscription on $topic."
else
  # Event Grid calls the endpoint to validate it; a cold app may miss the first handshake: retry.
  log "creating event subscription $subscription on $topic ($event_type under $subject_prefix -> $function_name)"
  retry "creation of event subscription $subscription" \
    azs eventgrid system-topic event-subscription create --resource-group "$group" \
      "${subscription_settings[@]}" \
    || die "could not create event subscription $subscription on $topic: Event Grid must reach https://$app_host/runtime/webhooks/blobs and get the validation answer from function $function_name."
fi
log "BlobCreated events under $container/ now reach $function_name"
