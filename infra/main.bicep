// Fer in Azure: what `azd provision` creates.
//
//   resource group rg-<env>
//     storage account      faces (uploads), models (ONNX versions), the Flex Consumption package
//                          container, table emotions; shared keys off, lifecycle rule on faces/;
//                          also the host's containers and every queue the app uses, so that each
//                          of the app's roles is scoped to one container, queue or table (roles.bicep)
//     Event Grid system topic on the storage account (the subscription itself is made by the
//                          postdeploy hook: it needs the deployed function's blobs_extension key)
//     Log Analytics + Application Insights, local (key) auth off
//     Flex Consumption plan + function app (.NET 10 isolated), one user-assigned identity,
//                          identity-based connections only
//     optional: a GPU training VM (deployTrainingVm)
//
// GPU inference on Azure Container Apps is not part of this template: see README-gpu-inference.md.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group (rg-<name>) and seeds resource names.')
param environmentName string

@minLength(1)
@description('Azure region for all resources.')
param location string

@description('Object id of the deploying user or service principal (azd passes AZURE_PRINCIPAL_ID). Empty: no data-plane roles for the deployer.')
param principalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
@description('Kind of principal principalId is.')
param principalType string = 'User'

@minValue(1)
@maxValue(3650)
@description('Uploaded faces are personal data: blobs under faces/ are deleted this many days after their last modification.')
param faceRetentionDays int = 30

@allowed([
  512
  2048
  4096
])
@description('Flex Consumption instance memory (MB). The model, ONNX Runtime\'s arenas and a batch of decoded images must fit.')
param instanceMemoryMB int = 2048

@minValue(1)
@maxValue(1000)
@description('Upper bound on Flex Consumption instances: the main cost cap of the serving side.')
param maximumInstanceCount int = 40

@description('Deploy the optional GPU training VM.')
param deployTrainingVm bool = false

@description('Size of the training VM (needs NVIDIA GPU quota in the region).')
param trainingVmSize string = 'Standard_NC4as_T4_v3'

@description('Admin user name of the training VM (SSH only, no password).')
param trainingVmAdminUsername string = 'feradmin'

@description('SSH public key (OpenSSH format) for the training VM admin. Required when deployTrainingVm is true.')
param trainingVmSshPublicKey string = ''

@description('Source address range (CIDR) allowed to reach the training VM on port 22, e.g. your public IP/32. Required when deployTrainingVm is true.')
param trainingVmSshSourceCidr string = ''

@description('Git repository the training VM clones into the admin\'s home (empty: clone nothing).')
param trainingRepositoryUrl string = ''

@description('Run the training VM as an Azure Spot VM (evicted, deallocated, when Azure needs the capacity; a job resumes from its checkpoints in storage).')
param trainingVmSpot bool = false

@description('Daily time (HHmm, UTC) at which the training VM is deallocated if it is still running: the cost cap for a forgotten VM.')
param trainingVmAutoShutdownTime string = '2300'

var abbrs = {
  storage: 'st'
  functionApp: 'func-'
  plan: 'plan-'
  identity: 'id-'
  logAnalytics: 'log-'
  appInsights: 'appi-'
  systemTopic: 'evgst-'
  trainingVm: 'vm-train-'
}

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

var facesContainerName = 'faces'
var modelsContainerName = 'models'
// Name fixed by the code as well (TrainingDataStore.ContainerName): fer data upload and fer-train use it.
var trainingContainerName = 'training'
var resultsTableName = 'emotions'
// Flex Consumption deploys the app package from a blob container of the app's choosing.
var deploymentContainerName = 'app-package-${resourceToken}'
// Where Event Grid puts BlobCreated events it could not deliver (events.bicep, the postdeploy hook).
var deadLetterContainerName = 'eventgrid-deadletter'
var functionAppName = '${abbrs.functionApp}${resourceToken}'
// Names are computed here, not read from module outputs, so that What-If can predict every resource.
var storageAccountName = '${abbrs.storage}${resourceToken}'
var appInsightsName = '${abbrs.appInsights}${resourceToken}'
var functionIdentityName = '${abbrs.identity}${functionAppName}'
// The Functions host's own storage (AzureWebJobsStorage) is this account too, but the app's identity holds
// roles only on what the host uses, created here so that no role has to cover the whole account:
// the host id is pinned to the app's name (AzureFunctionsWebHost__hostid), which fixes the name of the
// blob trigger's internal queue.
var functionHostId = functionAppName
var hostContainerNames = [
  'azure-webjobs-hosts' // locks, timer schedules, blob receipts, host id
  'azure-webjobs-secrets' // the host's keys, among them blobs_extension (the Event Grid webhook's key)
]
// Queues the app's identity may use: reclassify chunks and their poison queue (FerStorage), the queue the
// blob trigger moves a blob that failed five times to, that queue's own poison queue (RecordPoisonedBlob's
// trigger), and the blob trigger's internal dispatch queue (AzureWebJobsStorage).
var reclassifyQueueName = 'reclassify'
var functionQueueNames = [
  reclassifyQueueName
  '${reclassifyQueueName}-poison'
  'webjobs-blobtrigger-poison'
  'webjobs-blobtrigger-poison-poison'
  'azure-webjobs-blobtrigger-${functionHostId}'
]

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: '${abbrs.logAnalytics}${resourceToken}'
    appInsightsName: appInsightsName
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: storageAccountName
    facesContainerName: facesContainerName
    modelsContainerName: modelsContainerName
    trainingContainerName: trainingContainerName
    deploymentContainerName: deploymentContainerName
    deadLetterContainerName: deadLetterContainerName
    hostContainerNames: hostContainerNames
    queueNames: functionQueueNames
    resultsTableName: resultsTableName
    faceRetentionDays: faceRetentionDays
  }
}

module events 'modules/events.bicep' = {
  name: 'events'
  scope: rg
  params: {
    location: location
    tags: tags
    name: '${abbrs.systemTopic}${resourceToken}'
    storageAccountName: storageAccountName
    deadLetterContainerName: deadLetterContainerName
  }
  dependsOn: [
    storage
  ]
}

module functionIdentity 'modules/identity.bicep' = {
  name: 'function-identity'
  scope: rg
  params: {
    location: location
    tags: tags
    name: functionIdentityName
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    location: location
    tags: tags
    name: functionAppName
    planName: '${abbrs.plan}${resourceToken}'
    identityId: functionIdentity.outputs.id
    identityClientId: functionIdentity.outputs.clientId
    hostId: functionHostId
    storageAccountName: storageAccountName
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    facesContainerName: facesContainerName
    modelsContainerName: modelsContainerName
    resultsTableName: resultsTableName
    faceRetentionDays: faceRetentionDays
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
  }
  // The host reads its storage and the package as soon as the app exists: grant the roles first.
  dependsOn: [
    roles
  ]
}

module roles 'modules/roles.bicep' = {
  name: 'role-assignments'
  scope: rg
  params: {
    storageAccountName: storageAccountName
    appInsightsName: appInsightsName
    functionIdentityName: functionIdentityName
    functionPrincipalId: functionIdentity.outputs.principalId
    facesContainerName: facesContainerName
    modelsContainerName: modelsContainerName
    deploymentContainerName: deploymentContainerName
    hostContainerNames: hostContainerNames
    queueNames: functionQueueNames
    resultsTableName: resultsTableName
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
  dependsOn: [
    storage
    monitoring
  ]
}

module trainingVm 'modules/training-vm.bicep' = if (deployTrainingVm) {
  name: 'training-vm'
  scope: rg
  params: {
    location: location
    tags: tags
    name: '${abbrs.trainingVm}${resourceToken}'
    identityName: '${abbrs.identity}${abbrs.trainingVm}${resourceToken}'
    vmSize: trainingVmSize
    adminUsername: trainingVmAdminUsername
    sshPublicKey: trainingVmSshPublicKey
    sshSourceCidr: trainingVmSshSourceCidr
    repositoryUrl: trainingRepositoryUrl
    storageAccountName: storageAccountName
    blobEndpoint: storage.outputs.blobEndpoint
    modelsContainerName: modelsContainerName
    trainingContainerName: trainingContainerName
    spot: trainingVmSpot
    autoShutdownTime: trainingVmAutoShutdownTime
  }
}

// Read by azd (service discovery), by the hooks in infra/hooks and by the `fer` CLI.
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_HOST string = functionApp.outputs.defaultHostName
output AZURE_EVENTGRID_SYSTEM_TOPIC_NAME string = events.outputs.name
output AZURE_EVENTGRID_DEADLETTER_CONTAINER_ID string = storage.outputs.deadLetterContainerId
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.appInsightsConnectionString
output FER_FACES_CONTAINER string = facesContainerName
output FER_MODELS_CONTAINER string = modelsContainerName
output FER_RESULTS_TABLE string = resultsTableName
output FER_TRAINING_CONTAINER string = trainingContainerName
output FER_TRAINING_VM_SSH string = deployTrainingVm ? trainingVm!.outputs.sshCommand : ''
output FER_TRAINING_VM_IDENTITY_CLIENT_ID string = deployTrainingVm ? trainingVm!.outputs.identityClientId : ''
// The exact commands of infra/README.md's training walk-through, with this deployment's names filled in.
output FER_TRAINING_DATA_UPLOAD_COMMAND string = 'fer data upload DIR --name fer2013 --account ${storage.outputs.name}'
output FER_TRAINING_JOB_COMMAND string = deployTrainingVm ? '${trainingVm!.outputs.sshCommand} sudo fer-train-job start r1 --data blob:fer2013 --device cuda --backbone resnet18 --image-size 48 --publish' : ''
output FER_TRAINING_JOB_LOGS_COMMAND string = deployTrainingVm ? '${trainingVm!.outputs.sshCommand} journalctl -u fer-train-job -f' : ''
output FER_TRAINING_VM_START_COMMAND string = deployTrainingVm ? 'az vm start -g ${rg.name} -n ${trainingVm!.outputs.name}' : ''
