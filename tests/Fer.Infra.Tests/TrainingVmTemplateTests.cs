using System.Text.Json.Nodes;

namespace Fer.Infra.Tests;

public class TrainingVmTemplateTests
{
    private static ArmResource Vm => CompiledMain.Single("Microsoft.Compute/virtualMachines");

    [Fact]
    public void Training_VM_is_deployed_only_when_asked_for()
    {
        var parameter = CompiledMain.Template.Parameters["deployTrainingVm"]!;
        Assert.Equal("bool", (string?)parameter["type"]);
        Assert.False(parameter["defaultValue"]!.GetValue<bool>());

        Assert.Contains("[parameters('deployTrainingVm')]", ArmTemplate.ConditionsOf(Vm));
        foreach (var type in new[] { "Microsoft.Network/networkSecurityGroups", "Microsoft.Network/virtualNetworks", "Microsoft.Network/publicIPAddresses", "Microsoft.Network/networkInterfaces" })
        {
            Assert.All(CompiledMain.Template.ResourcesOfType(type), resource => Assert.Contains("[parameters('deployTrainingVm')]", ArmTemplate.ConditionsOf(resource)));
        }
    }

    [Fact]
    public void Training_VM_accepts_SSH_keys_only()
    {
        Assert.True(Vm["properties.osProfile.linuxConfiguration.disablePasswordAuthentication"]!.GetValue<bool>());
        Assert.Null(Vm["properties.osProfile.adminPassword"]);
        Assert.NotNull(Vm["properties.osProfile.linuxConfiguration.ssh.publicKeys.0.keyData"]);
        Assert.StartsWith("[parameters(", Vm["properties.osProfile.adminUsername"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Training_VM_runs_Ubuntu_24_04_on_a_T4_by_default()
    {
        Assert.Equal("Canonical", Vm.EvaluateString("properties.storageProfile.imageReference.publisher"));
        Assert.Equal("ubuntu-24_04-lts", Vm.EvaluateString("properties.storageProfile.imageReference.offer"));
        Assert.Equal("server", Vm.EvaluateString("properties.storageProfile.imageReference.sku"));
        Assert.Equal("Standard_NC4as_T4_v3", (string?)CompiledMain.Template.Parameters["trainingVmSize"]!["defaultValue"]);
        Assert.Equal("UserAssigned", Vm.EvaluateString("identity.type"));
    }

    [Fact]
    public void Training_VM_network_allows_inbound_SSH_only_from_the_given_range()
    {
        var nsg = CompiledMain.Single("Microsoft.Network/networkSecurityGroups");
        var inboundAllows = nsg["properties.securityRules"]!.AsArray().OfType<JsonObject>()
            .Select(rule => rule["properties"]!.AsObject())
            .Where(rule => (string?)rule["direction"] == "Inbound" && (string?)rule["access"] == "Allow")
            .ToList();

        var ssh = Assert.Single(inboundAllows);
        Assert.Equal("22", (string?)ssh["destinationPortRange"]);
        Assert.Equal("Tcp", (string?)ssh["protocol"]);
        // The range is the parameter, checked: empty, '*', 'Internet' and 0.0.0.0/0 fail the deployment.
        Assert.Equal("[variables('checkedSshSourceCidr')]", ssh["sourceAddressPrefix"]!.ToString());
        var check = nsg.Template.Root["variables"]!["checkedSshSourceCidr"]!.ToString();
        Assert.Contains("parameters('sshSourceCidr')", check, StringComparison.Ordinal);
        Assert.Contains("fail(", check, StringComparison.Ordinal);
        Assert.Contains("'0.0.0.0/0'", check, StringComparison.Ordinal);
        Assert.Contains("'*'", check, StringComparison.Ordinal);

        // The subnet carries the NSG.
        var vnet = CompiledMain.Single("Microsoft.Network/virtualNetworks");
        Assert.Contains("networkSecurityGroups", vnet["properties.subnets.0.properties.networkSecurityGroup.id"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Cloud_init_installs_the_NVIDIA_driver_dotnet_10_and_git_and_clones_the_repository()
    {
        var cloudInit = File.ReadAllText(RepositoryRoot.Combine("infra", "modules", "training-vm.cloud-init.yaml"));

        Assert.StartsWith("#cloud-config", cloudInit, StringComparison.Ordinal);
        Assert.Contains("[ ubuntu-drivers, install ]", cloudInit, StringComparison.Ordinal);
        Assert.Contains("dotnet-sdk-10.0", cloudInit, StringComparison.Ordinal);
        Assert.Contains("- git", cloudInit, StringComparison.Ordinal);
        Assert.Contains("git clone", cloudInit, StringComparison.Ordinal);
        Assert.Contains("__REPOSITORY_URL__", cloudInit, StringComparison.Ordinal);
        Assert.Contains("base64(", Vm["properties.osProfile.customData"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Training_VM_is_deallocated_daily_and_can_be_a_Spot_VM()
    {
        var schedule = CompiledMain.Single("Microsoft.DevTestLab/schedules");
        Assert.Equal("ComputeVmShutdownTask", schedule.EvaluateString("properties.taskType"));
        Assert.Equal("Enabled", schedule.EvaluateString("properties.status"));
        Assert.Equal("[resourceId('Microsoft.Compute/virtualMachines', parameters('name'))]", schedule["properties.targetResourceId"]!.ToString());
        Assert.Equal("[format('shutdown-computevm-{0}', parameters('name'))]", schedule.Json["name"]!.ToString()); // the name the portal expects
        Assert.Equal("2300", (string?)CompiledMain.Template.Parameters["trainingVmAutoShutdownTime"]!["defaultValue"]);
        Assert.Contains("[parameters('deployTrainingVm')]", ArmTemplate.ConditionsOf(schedule));

        Assert.False(CompiledMain.Template.Parameters["trainingVmSpot"]!["defaultValue"]!.GetValue<bool>());
        Assert.Equal("[if(parameters('spot'), 'Spot', 'Regular')]", Vm["properties.priority"]!.ToString());
        Assert.Equal("[if(parameters('spot'), 'Deallocate', null())]", Vm["properties.evictionPolicy"]!.ToString()); // the disk, and the run on it, survive
    }

    [Fact]
    public void Cloud_init_installs_a_training_job_unit_that_resumes_and_deallocates_the_VM()
    {
        var cloudInit = File.ReadAllText(RepositoryRoot.Combine("infra", "modules", "training-vm.cloud-init.yaml"));

        Assert.Contains("path: /etc/systemd/system/fer-train-job.service", cloudInit, StringComparison.Ordinal);
        Assert.Contains("ExecStart=/usr/local/bin/fer-train-job run", cloudInit, StringComparison.Ordinal);
        Assert.Contains("ExecStopPost=+/usr/local/bin/fer-train-job finish", cloudInit, StringComparison.Ordinal);
        Assert.Contains("WantedBy=multi-user.target", cloudInit, StringComparison.Ordinal);
        Assert.Contains("-p:TorchBackend=cuda", cloudInit, StringComparison.Ordinal);
        Assert.Contains("train --resume \"$runs/$FER_JOB_RUN\" --account \"$FER_STORAGE_ACCOUNT\"", cloudInit, StringComparison.Ordinal);
        Assert.Contains("[ \"$status\" -eq 4 ]", cloudInit, StringComparison.Ordinal); // fer-train's exit code for "no such run"
        Assert.Contains("/deallocate?api-version=", cloudInit, StringComparison.Ordinal);
        Assert.Contains("__STORAGE_ACCOUNT__", cloudInit, StringComparison.Ordinal);
    }

    [Fact]
    public void Outputs_give_the_exact_training_commands()
    {
        var outputs = CompiledMain.Template.Outputs;

        Assert.Contains("fer data upload DIR --name fer2013 --account", outputs["FER_TRAINING_DATA_UPLOAD_COMMAND"]!["value"]!.ToString(), StringComparison.Ordinal);
        var job = outputs["FER_TRAINING_JOB_COMMAND"]!["value"]!.ToString();
        Assert.Contains("sudo fer-train-job start r1 --data blob:fer2013 --device cuda", job, StringComparison.Ordinal);
        Assert.Contains("--publish", job, StringComparison.Ordinal);
        Assert.DoesNotContain("--promote", job, StringComparison.Ordinal); // the VM may not promote
        Assert.Contains("journalctl -u fer-train-job", outputs["FER_TRAINING_JOB_LOGS_COMMAND"]!["value"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("training", (string?)CompiledMain.Template.Root["variables"]!["trainingContainerName"]);
    }
}
