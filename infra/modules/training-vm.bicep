// Optional GPU VM for training with TorchSharp's CUDA package (build with -p:TorchBackend=cuda).
// SSH with a key only, reachable on port 22 from one address range. cloud-init installs the
// fer-train-job systemd unit: it downloads a data set from the training container, trains with
// checkpoints in storage, publishes the model version and deallocates the VM. Its user-assigned
// identity reads and writes the training container, publishes model versions but cannot promote
// one (the pointer fer/current.json is denied by an ABAC condition), and may deallocate this VM.
param name string
param identityName string
param location string
param tags object
param vmSize string
param adminUsername string
param sshPublicKey string
param sshSourceCidr string
param repositoryUrl string
param storageAccountName string
param blobEndpoint string
param modelsContainerName string
param trainingContainerName string

@description('Azure Spot VM: evicted (deallocated) when Azure needs the capacity, at a fraction of the price.')
param spot bool = false

@description('Daily deallocation time, HHmm in UTC.')
param autoShutdownTime string

@minValue(64)
param osDiskSizeGB int = 256

var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

// Writes, appends and deletes are allowed on every blob of the models container except the serving
// pointer fer/current.json (ModelStore.PointerBlob): the VM publishes versions (fer/<version>/...),
// a person promotes one (fer model promote VERSION).
var denyPointerWrites = '''(
  (
    !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'})
    AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'})
    AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})
  )
  OR
  (
    @Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringNotEquals 'fer/current.json'
  )
)'''

// Fail the deployment with a clear message rather than with an invalid NSG rule or an unreachable VM.
var checkedSshPublicKey = empty(sshPublicKey)
  ? fail('trainingVmSshPublicKey is required when deployTrainingVm is true: azd env set FER_TRAINING_VM_SSH_PUBLIC_KEY "<contents of your .pub file>".')
  : sshPublicKey
var checkedSshSourceCidr = contains(['', '*', 'any', 'internet', '0.0.0.0/0'], toLower(sshSourceCidr))
  ? fail('trainingVmSshSourceCidr must name the address range allowed to SSH (e.g. your public IP/32): azd env set FER_TRAINING_VM_SSH_CIDR <ip>/32.')
  : sshSourceCidr

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
  tags: tags
}

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource models 'containers' existing = {
      name: modelsContainerName
    }

    resource training 'containers' existing = {
      name: trainingContainerName
    }
  }
}

// Storage Blob Data Contributor on the models container, with a condition: the VM publishes model
// versions but cannot write or delete fer/current.json, so it cannot promote. Built-in roles cannot
// say "versions but not the pointer"; an ABAC condition on the blob path can. It cannot read uploaded
// faces or the results table.
resource modelsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::blobService::models.id, identity.id, storageBlobDataContributor)
  scope: account::blobService::models
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    conditionVersion: '2.0'
    condition: denyPointerWrites
  }
}

// Storage Blob Data Contributor on the training container: data sets are read from it and run
// checkpoints (runs/<run>/) written to it.
resource trainingReaderWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::blobService::training.id, identity.id, storageBlobDataContributor)
  scope: account::blobService::training
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Shutting down from inside the guest stops the VM but keeps it allocated (and billed). This role
// lets the job deallocate its own VM when it ends, and nothing else.
resource deallocateSelf 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, name, 'deallocate-self')
  properties: {
    roleName: 'Fer training VM self-deallocation (${name})'
    description: 'Deallocate the Fer training VM when its job ends.'
    type: 'CustomRole'
    permissions: [
      {
        actions: [
          'Microsoft.Compute/virtualMachines/read'
          'Microsoft.Compute/virtualMachines/deallocate/action'
        ]
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

resource nsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: 'nsg-${name}'
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        name: 'AllowSshFromAdminRange'
        properties: {
          priority: 1000
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: checkedSshSourceCidr
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '22'
        }
      }
      {
        name: 'DenyAllOtherInternetInbound'
        properties: {
          priority: 4000
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: 'Internet'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-${name}'
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        '10.42.0.0/24'
      ]
    }
    subnets: [
      {
        name: 'training'
        properties: {
          addressPrefix: '10.42.0.0/26'
          networkSecurityGroup: {
            id: nsg.id
          }
        }
      }
    ]
  }
}

resource publicIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: 'pip-${name}'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
  }
}

resource nic 'Microsoft.Network/networkInterfaces@2024-05-01' = {
  name: 'nic-${name}'
  location: location
  tags: tags
  properties: {
    ipConfigurations: [
      {
        name: 'ipconfig1'
        properties: {
          privateIPAllocationMethod: 'Dynamic'
          subnet: {
            id: vnet.properties.subnets[0].id
          }
          publicIPAddress: {
            id: publicIp.id
          }
        }
      }
    ]
  }
}

var cloudInit = reduce(
  [
    { token: '__ADMIN_USER__', value: adminUsername }
    { token: '__REPOSITORY_URL__', value: replace(repositoryUrl, '\'', '') }
    { token: '__IDENTITY_CLIENT_ID__', value: identity.properties.clientId }
    { token: '__BLOB_ENDPOINT__', value: blobEndpoint }
    { token: '__MODELS_CONTAINER__', value: modelsContainerName }
    { token: '__STORAGE_ACCOUNT__', value: storageAccountName }
  ],
  loadTextContent('training-vm.cloud-init.yaml'),
  (text, item) => replace(text, item.token, item.value)
)

resource vm 'Microsoft.Compute/virtualMachines@2024-07-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    hardwareProfile: {
      vmSize: vmSize
    }
    priority: spot ? 'Spot' : 'Regular'
    // Evicted Spot VMs keep their disk, so the job resumes from the local run directory when started again.
    evictionPolicy: spot ? 'Deallocate' : null
    billingProfile: spot ? { maxPrice: -1 } : null
    osProfile: {
      computerName: take(name, 64)
      adminUsername: adminUsername
      customData: base64(cloudInit)
      linuxConfiguration: {
        disablePasswordAuthentication: true
        ssh: {
          publicKeys: [
            {
              path: '/home/${adminUsername}/.ssh/authorized_keys'
              keyData: checkedSshPublicKey
            }
          ]
        }
      }
    }
    storageProfile: {
      imageReference: {
        publisher: 'Canonical'
        offer: 'ubuntu-24_04-lts'
        sku: 'server'
        version: 'latest'
      }
      osDisk: {
        createOption: 'FromImage'
        diskSizeGB: osDiskSizeGB
        deleteOption: 'Delete'
        managedDisk: {
          storageAccountType: 'Premium_LRS'
        }
      }
    }
    networkProfile: {
      networkInterfaces: [
        {
          id: nic.id
          properties: {
            deleteOption: 'Delete'
          }
        }
      ]
    }
  }
  dependsOn: [
    // A job may start as soon as cloud-init finishes; have the roles in place before the VM exists.
    modelsPublisher
    trainingReaderWriter
  ]
}

resource vmDeallocator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vm.id, identity.id, deallocateSelf.id)
  scope: vm
  properties: {
    roleDefinitionId: deallocateSelf.id
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Deallocates the VM every day at autoShutdownTime (UTC) if it is still running: a forgotten GPU VM
// costs at most a day.
resource autoShutdown 'Microsoft.DevTestLab/schedules@2018-09-15' = {
  name: 'shutdown-computevm-${vm.name}'
  location: location
  tags: tags
  properties: {
    status: 'Enabled'
    taskType: 'ComputeVmShutdownTask'
    dailyRecurrence: {
      time: autoShutdownTime
    }
    timeZoneId: 'UTC'
    targetResourceId: vm.id
    notificationSettings: {
      status: 'Disabled'
    }
  }
}

output name string = vm.name
output publicIpAddress string = publicIp.properties.ipAddress
output sshCommand string = 'ssh ${adminUsername}@${publicIp.properties.ipAddress}'
output identityClientId string = identity.properties.clientId
